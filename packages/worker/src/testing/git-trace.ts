import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The git commands this process starts, as git itself reports them (GIT_TRACE to a file). Test fixture
 * only: it sets GIT_TRACE in this process's environment, which every git started meanwhile inherits.
 */
export interface GitTrace {
  /** The git commands started since the trace began or since the last take, e.g. "rev-parse HEAD". */
  take(): Promise<string[]>;
  /** Ends the trace and restores GIT_TRACE. */
  stop(): Promise<void>;
}

export async function startGitTrace(): Promise<GitTrace> {
  const dir = await mkdtemp(join(tmpdir(), 'git-trace-'));
  const file = join(dir, 'trace');
  await writeFile(file, '');
  const before = process.env.GIT_TRACE;
  process.env.GIT_TRACE = file;
  return {
    async take() {
      const text = await readFile(file, 'utf8');
      await writeFile(file, '');
      // "12:00:00.000000 git.c:460  trace: built-in: git status --porcelain": one line per git started.
      return [...text.matchAll(/trace: built-in: git (.*)$/gm)].map((match) => match[1] ?? '');
    },
    async stop() {
      if (before === undefined) delete process.env.GIT_TRACE;
      else process.env.GIT_TRACE = before;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
