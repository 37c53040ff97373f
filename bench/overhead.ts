import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runPaths } from '@fanout/shared';
import type { OrchestratorProcess, ScriptedModel } from '@fanout/test-utils';
import { checkAgentCommit, checkModelTurns } from './agent-script.js';
import { checkFanoutRun, timedFanoutRun } from './fanout-run.js';
import { prepareFloor, runFloor } from './floor.js';
import type { RunMemorySampler } from './memory.js';
import { cpuTimes, processesIn } from './proc.js';
import type { BenchSettings } from './settings.js';
import { spread, type Spread } from './stats.js';

export interface OverheadRow {
  agents: number;
  floorMs: Spread;
  fanoutMs: Spread;
  /** Of the fanout time, until `POST /api/runs` was answered. */
  createMs: Spread;
  /** fanout ÷ floor wall time of each interleaved pair. */
  ratio: Spread;
  /** CPU seconds of everything each trial ran (agents, git, workers, orchestrator, the model fixture). */
  floorCpuS: Spread;
  fanoutCpuS: Spread;
  /** fanout ÷ floor CPU time of each pair: the cost that a busy machine turns into wall time. */
  cpuRatio: Spread;
  /** Where the CPU went, CPU-seconds per trial (see CpuParts). */
  floorParts: { bench: Spread; agents: Spread };
  fanoutParts: { bench: Spread; orchestrator: Spread; workers: Spread; agents: Spread };
}

/**
 * A trial's CPU by who used it. `bench`: this process (the scripted model, and in the floor the SDK's
 * handling of every agent's messages); `orchestrator` and `workers`: fanout's own processes (each worker
 * logs its CPU time as it finishes); `agents`: everything else, which is Claude Code, `claude mcp serve`,
 * the agents' shells and every git command.
 */
interface CpuParts {
  bench: number;
  orchestrator?: number;
  workers?: number;
  agents: number;
}

export interface BenchContext {
  settings: BenchSettings;
  model: ScriptedModel;
  orchestrator: OrchestratorProcess;
  tmp: string;
  log: (line: string) => void;
}

interface Trial {
  ms: number;
  cpuS: number;
  parts: CpuParts;
  createMs?: number;
}

/** Waits until nothing runs in `dir` any more (so every process there has exited and been waited for). */
async function settled(dir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let left: number[] = [];
  while ((left = await processesIn(dir)).length > 0) {
    if (Date.now() > deadline) throw new Error(`processes still running in ${dir}: ${left.join(' ')}`);
    await sleep(50);
  }
  await sleep(100);
}

/** CPU seconds of a process and its waited-for children. */
const total = (t: { self: number; children: number }) => t.self + t.children;

async function floorTrial(ctx: BenchContext, root: string, agents: number): Promise<Trial> {
  const setup = await prepareFloor(root, agents);
  const before = await cpuTimes(process.pid);
  const start = performance.now();
  await runFloor(ctx.model, setup);
  const ms = performance.now() - start;
  const self = (await cpuTimes(process.pid)).self - before.self;
  // This process's own CPU counts until the agents are done; its children's, once they have all exited.
  await settled(root);
  const children = (await cpuTimes(process.pid)).children - before.children;
  const cpuS = self + children;
  setup.worktrees.forEach((worktree, i) => {
    checkAgentCommit(setup.repo, `agent-${i}`, i);
    checkModelTurns(ctx.model.requests, worktree);
  });
  ctx.model.requests.length = 0;
  return { ms, cpuS, parts: { bench: self, agents: children } };
}

/** The CPU-seconds a worker logged as it finished (its `worker finished` line in worker.log). */
async function workerCpuSeconds(logPath: string): Promise<number> {
  const lines = (await readFile(logPath, 'utf8')).split('\n').filter((line) => line.startsWith('{'));
  for (const line of lines.reverse()) {
    const entry = JSON.parse(line) as { msg?: string; cpuSeconds?: number };
    if (entry.msg === 'worker finished' && typeof entry.cpuSeconds === 'number') return entry.cpuSeconds;
  }
  throw new Error(`${logPath}: no "worker finished" line with cpuSeconds`);
}

async function fanoutTrial(
  ctx: BenchContext,
  agents: number,
  memory: RunMemorySampler | null,
): Promise<Trial> {
  const o = ctx.orchestrator;
  const pid = o.child.pid!;
  const before = { bench: await cpuTimes(process.pid), orchestrator: await cpuTimes(pid) };
  let sampling: { stop(): Promise<void> } | null = null;
  const timed = await timedFanoutRun(o, agents, undefined, (run) => {
    sampling = memory?.follow(run) ?? null;
  }).finally(() => (sampling as { stop(): Promise<void> } | null)?.stop());
  const self = (await cpuTimes(process.pid)).self - before.bench.self;
  const paths = runPaths(o.storage, timed.run.id);
  await settled(paths.root);
  const after = await cpuTimes(pid);
  const orchestratorAll = total(after) - total(before.orchestrator);
  const orchestratorSelf = after.self - before.orchestrator.self;
  checkFanoutRun(o.storage, timed.run, ctx.model);
  const workers = (
    await Promise.all(timed.run.agents.map((a) => workerCpuSeconds(paths.agent(a.index).log)))
  ).reduce((sum, s) => sum + s, 0);
  ctx.model.requests.length = 0;
  const parts = {
    bench: self,
    orchestrator: orchestratorSelf,
    workers,
    agents: orchestratorAll - orchestratorSelf - workers,
  };
  return { ms: timed.ms, cpuS: self + orchestratorAll, parts, createMs: timed.createMs };
}

/**
 * Overhead against the floor: for each N, pairs of one floor trial and one fanout trial, interleaved (the
 * order alternates) so that both see the same load on the machine; the ratio within each pair is what
 * counts. Every trial is checked: each agent committed its work, the model answered every turn once.
 * Memory is sampled in runs of their own (sampleRunMemory): the sampling costs this process CPU, which
 * would count against fanout in a timed trial.
 */
export async function measureOverhead(ctx: BenchContext): Promise<OverheadRow[]> {
  const { settings, log } = ctx;
  let trials = 0;
  const floorRoot = () => join(ctx.tmp, `floor-${trials++}`);
  // Warm-up: the first Claude Code start reads its binary from disk.
  await floorTrial(ctx, floorRoot(), 1);
  await fanoutTrial(ctx, 1, null);

  const rows: OverheadRow[] = [];
  for (const [k, n] of settings.agentCounts.entries()) {
    const floor: Trial[] = [];
    const fanout: Trial[] = [];
    const repeats = settings.repeats(n);
    for (let r = 0; r < repeats; r++) {
      const floorFirst = (r + k) % 2 === 0;
      const first = floorFirst ? await floorTrial(ctx, floorRoot(), n) : await fanoutTrial(ctx, n, null);
      const second = floorFirst ? await fanoutTrial(ctx, n, null) : await floorTrial(ctx, floorRoot(), n);
      const [f, x] = floorFirst ? [first, second] : [second, first];
      floor.push(f);
      fanout.push(x);
      log(
        `overhead N=${n} ${r + 1}/${repeats}: floor ${(f.ms / 1000).toFixed(1)} s (${f.cpuS.toFixed(1)} CPU s), ` +
          `fanout ${(x.ms / 1000).toFixed(1)} s (${x.cpuS.toFixed(1)} CPU s): ×${(x.ms / f.ms).toFixed(3)} wall, ` +
          `×${(x.cpuS / f.cpuS).toFixed(3)} CPU; workers ${(x.parts.workers ?? 0).toFixed(1)} CPU s`,
      );
    }
    rows.push({
      agents: n,
      floorMs: spread(floor.map((t) => t.ms)),
      fanoutMs: spread(fanout.map((t) => t.ms)),
      createMs: spread(fanout.map((t) => t.createMs ?? 0)),
      ratio: spread(fanout.map((t, i) => t.ms / floor[i]!.ms)),
      floorCpuS: spread(floor.map((t) => t.cpuS)),
      fanoutCpuS: spread(fanout.map((t) => t.cpuS)),
      cpuRatio: spread(fanout.map((t, i) => t.cpuS / floor[i]!.cpuS)),
      floorParts: {
        bench: spread(floor.map((t) => t.parts.bench)),
        agents: spread(floor.map((t) => t.parts.agents)),
      },
      fanoutParts: {
        bench: spread(fanout.map((t) => t.parts.bench)),
        orchestrator: spread(fanout.map((t) => t.parts.orchestrator ?? 0)),
        workers: spread(fanout.map((t) => t.parts.workers ?? 0)),
        agents: spread(fanout.map((t) => t.parts.agents)),
      },
    });
  }
  return rows;
}

/** Runs of `agents` agents, untimed and checked like every trial, with memory sampled while they go on. */
export async function sampleRunMemory(
  ctx: BenchContext,
  memory: RunMemorySampler,
  agents: number,
  runs: number,
): Promise<void> {
  for (let r = 0; r < runs; r++) await fanoutTrial(ctx, agents, memory);
}
