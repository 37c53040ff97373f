import { execFileSync } from 'node:child_process';

/**
 * Runs git in `cwd` for a test, as a fixed committer, and returns its output trimmed; throws when git
 * fails. Test fixture only.
 */
export function gitSync(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}
