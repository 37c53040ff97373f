import { mkdir } from 'node:fs/promises';
import { FANOUT_GIT_ENV, runGit } from '@fanout/worker';
import { git } from './git.js';

export interface RunRepoOptions {
  repo: string;
  runId: string;
  baseRepo: string | null;
  baseRef: string | null;
}

/**
 * Creates the run's repository with branch `main` holding the starting point: a new repository
 * with an empty initial commit, or a clone of `baseRepo` at `baseRef`. Returns the base commit.
 */
export async function createRunRepo(options: RunRepoOptions): Promise<string> {
  const { repo, baseRepo, baseRef } = options;
  if (baseRepo) {
    // Resolved in the base repository: a clone has its branches only as origin/<name>.
    const commit = (
      await git(baseRepo, ['rev-parse', '--verify', '--end-of-options', `${baseRef ?? 'HEAD'}^{commit}`])
    ).trim();
    await git(process.cwd(), ['clone', '--quiet', '--no-checkout', '--', baseRepo, repo]);
    // A commit on no branch or tag (e.g. a detached HEAD's) did not come with the clone.
    if ((await runGit(repo, ['cat-file', '-e', `${commit}^{commit}`])).exitCode !== 0) {
      await git(repo, ['fetch', '--quiet', 'origin', commit]);
    }
    await git(repo, ['checkout', '--quiet', '-B', 'main', commit]);
    // The clone made a local branch of the one checked out in the base: `agent-1`, when the base is an agent's
    // worktree of an earlier run. The run's repository keeps `main` alone, so the agents' branches are free.
    const cloned = (await git(repo, ['for-each-ref', '--format=%(refname)', 'refs/heads/']))
      .split('\n')
      .filter((ref) => ref !== '' && ref !== 'refs/heads/main');
    if (cloned.length > 0) {
      await git(repo, ['update-ref', '--stdin'], {}, cloned.map((ref) => `delete ${ref}\n`).join(''));
    }
  } else {
    await mkdir(repo, { recursive: true });
    await git(repo, ['init', '--quiet', '-b', 'main']);
    await git(
      repo,
      ['commit', '--quiet', '--allow-empty', '-m', `fanout: start of run ${options.runId}`],
      FANOUT_GIT_ENV,
    );
  }
  // Worktrees share one object store; an automatic gc in one of them could prune another's objects.
  await git(repo, ['config', 'gc.auto', '0']);
  return (await git(repo, ['rev-parse', 'HEAD'])).trim();
}

export interface AgentWorktree {
  path: string;
  branch: string;
}

/**
 * Creates every agent's branch at `commit`, then a worktree on each. The branches are made in one
 * `update-ref --stdin`, all or none, so `worktree add` starts one git fewer per agent (it would run
 * `git branch` itself). The worktrees are added one at a time: `worktree add` reads every other worktree's
 * metadata, and running it side by side in one repository fails now and then on another's half-made folder.
 */
export async function addWorktrees(
  repo: string,
  worktrees: readonly AgentWorktree[],
  commit: string,
): Promise<void> {
  const refs = worktrees.map(({ branch }) => `create refs/heads/${branch} ${commit}\n`).join('');
  await git(repo, ['update-ref', '--stdin'], {}, refs);
  for (const { path, branch } of worktrees) await git(repo, ['worktree', 'add', '--quiet', path, branch]);
}
