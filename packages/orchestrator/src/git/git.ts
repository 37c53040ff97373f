import { execa } from 'execa';

export class GitError extends Error {
  override name = 'GitError';
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** Runs git in `cwd` and returns its standard output. Never prompts; never signs. */
export async function git(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<string> {
  const result = await execa('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    reject: false,
    stdin: 'ignore',
    maxBuffer: 256 * 1024 * 1024,
    stripFinalNewline: false,
    env: { GIT_TERMINAL_PROMPT: '0', ...env },
  });
  if (result.exitCode !== 0) {
    const stderr = String(result.stderr).trim();
    throw new GitError(`git ${args[0]} failed: ${stderr.split('\n').at(-1) ?? ''}`, stderr);
  }
  return String(result.stdout);
}
