import { runGit } from '@fanout/worker';

export class GitError extends Error {
  override name = 'GitError';
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** Runs git in `cwd` (with `input` on its stdin) and returns its standard output. Never prompts; never signs. */
export async function git(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
  input?: string,
): Promise<string> {
  const result = await runGit(cwd, ['-c', 'commit.gpgsign=false', ...args], {
    env: { GIT_TERMINAL_PROMPT: '0', ...env },
    maxBuffer: 256 * 1024 * 1024,
    ...(input === undefined ? {} : { input }),
  });
  if (result.exitCode !== 0) {
    const stderr = result.stderr.trim();
    throw new GitError(`git ${args[0]} failed: ${stderr.split('\n').at(-1) ?? ''}`, stderr);
  }
  return result.stdout;
}
