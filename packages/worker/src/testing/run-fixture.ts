import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKER_ENV, newRunId, runPathsAt, type RunFile, type RunPaths } from '@fanout/shared';
import { runGit } from '../run-git.js';

/** A real run directory in a temp dir, laid out as the orchestrator makes it. Test fixture only. */
export interface RunFixture {
  root: string;
  runId: string;
  runDir: string;
  paths: RunPaths;
  baseCommit: string;
  run: RunFile;
  /** The executor-set environment variables of agent `n`. */
  workerEnv(n: number): Record<string, string>;
  /** git in agent `n`'s worktree; resolves to its trimmed stdout. */
  git(n: number, ...args: string[]): Promise<string>;
  remove(): Promise<void>;
}

export interface RunFixtureOptions {
  prompt?: string;
  agents?: number;
  model?: string | null;
  maxTurns?: number | null;
  timeoutSeconds?: number;
  check?: string | null;
  setup?: string | null;
  budgetUsd?: number | null;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'fixture',
  GIT_AUTHOR_EMAIL: 'fixture@fanout.local',
  GIT_COMMITTER_NAME: 'fixture',
  GIT_COMMITTER_EMAIL: 'fixture@fanout.local',
};

export async function createRunFixture(options: RunFixtureOptions = {}): Promise<RunFixture> {
  const root = await mkdtemp(join(tmpdir(), 'fanout-worker-'));
  const runId = newRunId(Date.now());
  const runDir = join(root, `run-${runId}`);
  const paths = runPathsAt(runDir);
  const agents = options.agents ?? 1;
  await mkdir(paths.meta, { recursive: true });
  const git = async (cwd: string, ...args: string[]) => {
    const result = await runGit(cwd, args, { env: IDENTITY });
    if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout.trim();
  };

  await git(root, 'init', '-q', '-b', 'main', paths.repo);
  await git(paths.repo, 'config', 'gc.auto', '0');
  await git(paths.repo, '-c', 'commit.gpgsign=false', 'commit', '-q', '--allow-empty', '-m', 'Start');
  const baseCommit = await git(paths.repo, 'rev-parse', 'HEAD');
  for (let n = 0; n < agents; n++) {
    await git(paths.repo, 'worktree', 'add', '-q', '-b', `agent-${n}`, paths.worktree(n));
  }
  const run: RunFile = {
    version: 1,
    id: runId,
    createdAt: new Date().toISOString(),
    prompt: options.prompt ?? 'Create hello.txt.',
    agents,
    model: options.model ?? null,
    models: Array.from({ length: agents }, () => null),
    baseRepo: null,
    baseRef: null,
    baseCommit,
    maxTurns: options.maxTurns ?? null,
    timeoutSeconds: options.timeoutSeconds ?? 600,
    check: options.check ?? null,
    budgetUsd: options.budgetUsd ?? null,
    setup: options.setup ?? null,
    copyFiles: [],
    runDir,
  };
  await writeFile(paths.runJson, JSON.stringify(run, null, 2) + '\n');

  return {
    root,
    runId,
    runDir,
    paths,
    baseCommit,
    run,
    workerEnv: (n) => ({
      [WORKER_ENV.worktree]: paths.worktree(n),
      [WORKER_ENV.branch]: `agent-${n}`,
      [WORKER_ENV.runDir]: runDir,
      [WORKER_ENV.runId]: runId,
      [WORKER_ENV.agentIndex]: String(n),
    }),
    git: (n, ...args) => git(paths.worktree(n), ...args),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
