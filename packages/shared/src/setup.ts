import * as z from 'zod';

/**
 * A run's `setup` and `copyFiles`, which prepare each agent's worktree before the agent starts:
 * - `copyFiles`: files or directories (e.g. `.env`) copied by the orchestrator from the base repository's
 *   working tree into every worktree when the run is created; never committed.
 * - `setup`: a shell command (e.g. `npm ci`) the worker runs in the worktree before the agent starts, within
 *   the agent's own time limit; what it creates that git would see as new is never committed.
 */

export const MAX_SETUP_CHARS = 10_000;
export const MAX_COPY_FILES = 100;
export const MAX_COPY_PATH_CHARS = 1024;
/** How much of the end of the setup's output (stdout and stderr together) is kept in setup.log. */
export const SETUP_OUTPUT_BYTES = 8 * 1024;

export const setupSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(MAX_SETUP_CHARS, { error: `must be at most ${MAX_SETUP_CHARS} characters` });

const INSIDE = 'must be a relative path inside the base repository';

/** Why `path` cannot be one of `copyFiles`, or null when it can. Works in the browser too. */
export function copyPathProblem(path: string): string | null {
  if (path.trim() === '') return 'must not be empty';
  if (path.length > MAX_COPY_PATH_CHARS) return `must be at most ${MAX_COPY_PATH_CHARS} characters`;
  if (path.includes('\0')) return 'must not contain NUL';
  // A line break cannot be written as a pattern of .git/info/exclude, so such a path could get committed.
  if (/[\r\n]/.test(path)) return 'must not contain a line break';
  if (path.startsWith('/')) return INSIDE;
  const segments = path.split('/');
  if (segments.includes('..')) return INSIDE;
  const kept = segments.filter((s) => s !== '' && s !== '.');
  if (kept.length === 0) return 'must name a file or directory inside the base repository';
  if (kept.some((s) => s.toLowerCase() === '.git')) return 'must not be inside .git';
  return null;
}

/** `./a//b/` → `a/b`: the form kept in run.json and written to .git/info/exclude. */
export function normalizeCopyPath(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

export const copyFilesSchema = z
  .array(
    z.string({ error: 'must be a string' }).superRefine((path, ctx) => {
      const problem = copyPathProblem(path);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    { error: 'must be an array of paths' },
  )
  .min(1, { error: 'must name at least one path' })
  .max(MAX_COPY_FILES, { error: `must name at most ${MAX_COPY_FILES} paths` })
  .transform((paths) => [...new Set(paths.map(normalizeCopyPath))]);
