import { watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isFinalRunStatus, runPaths, type Run } from '@fanout/shared';
import { TEST_MODEL, api, type OrchestratorProcess, type ScriptedModel } from '@fanout/test-utils';
import { WORK_PROMPT, checkAgentCommit, checkModelTurns } from './agent-script.js';

/** How often the bench asks for the run once every agent's result file is there. */
const POLL_MS = 20;
const RUN_TIMEOUT_MS = 600_000;

export interface TimedRun {
  run: Run;
  /** From sending `POST /api/runs` until `GET /api/runs/:id` shows every agent finished. */
  ms: number;
  /** Of that, until the POST was answered: the run's repository and worktrees made, its workers queued. */
  createMs: number;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Resolves once every file exists. Woken by inotify on their folders when a file of one of those names
 * appears (prompt, and cheap: the workers write other files there several times a second, and this
 * process's CPU counts against the trial), with a check every 250 ms besides.
 */
async function waitForFiles(paths: string[], deadline: number): Promise<void> {
  let wake: () => void = () => undefined;
  const names = new Set(paths.map((p) => basename(p)));
  const watchers = [...new Set(paths.map((p) => dirname(p)))].map((dir) =>
    watch(dir, { persistent: false }, (_event, name) => {
      if (name === null || names.has(name)) wake();
    }),
  );
  try {
    while (!(await Promise.all(paths.map(exists))).every(Boolean)) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${paths.join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    for (const w of watchers) w.close();
  }
}

/**
 * One run through the orchestrator's API, timed from the POST until the API says it is over. The agents'
 * result files (each worker writes its own last, after its commit) are watched first, so that neither the
 * API nor this process works while the agents do; then `GET /api/runs/:id` every 20 ms until the run is
 * final.
 */
export async function timedFanoutRun(
  o: OrchestratorProcess,
  agents: number,
  prompt = WORK_PROMPT,
  onCreated?: (run: Run) => Promise<void> | void,
): Promise<TimedRun> {
  const start = performance.now();
  const created = await api<Run>(o.url, 'POST', '/api/runs', { prompt, agents, model: TEST_MODEL });
  if (created.status !== 201) throw new Error(`POST /api/runs answered ${created.status}: ${created.text}`);
  const createMs = performance.now() - start;
  await onCreated?.(created.json);
  const paths = runPaths(o.storage, created.json.id);
  const deadline = start + RUN_TIMEOUT_MS;
  await waitForFiles(
    Array.from({ length: agents }, (_, i) => paths.agent(i).result),
    deadline,
  );
  for (;;) {
    const got = await api<Run>(o.url, 'GET', `/api/runs/${created.json.id}`);
    if (got.status === 200 && isFinalRunStatus(got.json.status)) {
      return { run: got.json, ms: performance.now() - start, createMs };
    }
    if (performance.now() > deadline) throw new Error(`run ${created.json.id} did not finish in time`);
    await sleep(POLL_MS);
  }
}

/**
 * Throws unless the run did all of its work: succeeded, every agent's branch ends in the agent's own commit
 * of the work, and the model answered every turn of every agent once.
 */
export function checkFanoutRun(storage: string, run: Run, model: ScriptedModel): void {
  if (run.status !== 'succeeded') {
    const errors = run.agents.map((a) => `agent-${a.index}: ${a.status} ${a.error?.message ?? ''}`);
    throw new Error(`run ${run.id} ended ${run.status}:\n${errors.join('\n')}`);
  }
  const paths = runPaths(storage, run.id);
  for (const agent of run.agents) {
    if (agent.status !== 'succeeded' || agent.commit === null) {
      throw new Error(`run ${run.id} agent-${agent.index}: ${agent.status}, commit ${agent.commit}`);
    }
    const d = agent.diffStat;
    if (d?.files !== 1 || d.insertions !== 2 || d.deletions !== 0) {
      throw new Error(`run ${run.id} agent-${agent.index}: unexpected diff stat ${JSON.stringify(d)}`);
    }
    checkAgentCommit(paths.repo, `agent-${agent.index}`, agent.index);
    checkModelTurns(model.requests, paths.worktree(agent.index));
  }
}
