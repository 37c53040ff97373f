import { spawn } from 'node:child_process';

export interface GitResult {
  /** Git's exit code; null when it could not be started or was killed. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface RunGitOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Output beyond this many bytes (stdout and stderr together) kills git: a failure. Default 64 MiB. */
  maxBuffer?: number;
  /** Written to git's standard input (without it, git reads end of file at once). */
  input?: string;
}

/**
 * Runs git in `cwd` and resolves with its exit code and output; never rejects. Plain `child_process`:
 * every worker runs this at start and at its end, and a process-runner library would cost each one a
 * tenth of a second of CPU just to load.
 */
export function runGit(
  cwd: string,
  args: readonly string[],
  options: RunGitOptions = {},
): Promise<GitResult> {
  const maxBuffer = options.maxBuffer ?? 64 * 1024 * 1024;
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let overflow = false;
    let failure: string | null = null;
    const child = spawn('git', args, {
      cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // git may exit before reading all of it (a bad line): its exit code tells, not EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBuffer) {
        overflow = true;
        child.kill('SIGKILL');
        return;
      }
      into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.once('error', (error) => (failure = `git could not run: ${error.message}`));
    child.once('close', (code) => {
      let stderr = Buffer.concat(err).toString('utf8');
      if (overflow) stderr += `\ngit wrote more than ${maxBuffer} bytes`;
      if (failure) stderr += `\n${failure}`;
      resolve({
        exitCode: overflow || failure ? null : code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: stderr.trim(),
      });
    });
  });
}
