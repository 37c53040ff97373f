import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runPaths } from '@fanout/shared';
import type { OrchestratorProcess, ScriptedModel } from '@fanout/test-utils';
import { checkAgentCommit, checkModelTurns } from './agent-script.js';
import { checkFanoutRun, timedFanoutRun } from './fanout-run.js';
import { bundleFloorAgent, prepareFloor, runFloor, runFloorPerProcess } from './floor.js';
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
  /** fanout ÷ floor wall time within each round. */
  ratio: Spread;
  /** CPU seconds of everything each trial ran (agents, git, workers, orchestrator, the model fixture). */
  floorCpuS: Spread;
  fanoutCpuS: Spread;
  /** fanout ÷ floor CPU time within each round: the cost that a busy machine turns into wall time. */
  cpuRatio: Spread;
  /** Where the CPU went, CPU-seconds per trial (see CpuParts). */
  floorParts: { bench: Spread; agents: Spread };
  fanoutParts: { bench: Spread; orchestrator: Spread; workers: Spread; agents: Spread };
  /** The per-process floor: each agent in a bare Node.js process of its own (floor.ts). */
  perProcessMs: Spread;
  perProcessCpuS: Spread;
  /** per-process floor ÷ floor, and fanout ÷ per-process floor, wall time within each round. */
  perProcessRatio: Spread;
  fanoutToPerProcess: Spread;
  perProcessParts: { bench: Spread; processes: Spread; agents: Spread };
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
  /** The per-process floor's Node.js processes, by their own count. */
  processes?: number;
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

/**
 * A floor trial: the agents in this process (`perProcess` null), or each in a Node.js process of its own
 * started from the bundle `perProcess`.
 */
async function floorTrial(
  ctx: BenchContext,
  root: string,
  agents: number,
  perProcess: string | null = null,
): Promise<Trial> {
  const setup = await prepareFloor(root, agents);
  const before = await cpuTimes(process.pid);
  const start = performance.now();
  let processes: number | null = null;
  if (perProcess) processes = await runFloorPerProcess(ctx.model, setup, perProcess);
  else await runFloor(ctx.model, setup);
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
  const parts =
    processes === null
      ? { bench: self, agents: children }
      : { bench: self, processes, agents: children - processes };
  return { ms, cpuS, parts };
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
 * Overhead against the floor: for each N, rounds of one floor trial, one per-process floor trial and one
 * fanout trial, back to back (which goes first turns with each round) so that all three see the same load
 * on the machine; the ratios within each round are what count. Every trial is checked: each agent
 * committed its work, the model answered every turn once.
 * Memory is sampled in runs of their own (sampleRunMemory): the sampling costs this process CPU, which
 * would count against fanout in a timed trial.
 */
export async function measureOverhead(ctx: BenchContext): Promise<OverheadRow[]> {
  const { settings, log } = ctx;
  let trials = 0;
  const floorRoot = () => join(ctx.tmp, `floor-${trials++}`);
  const bundle = await bundleFloorAgent(ctx.tmp);
  // Warm-up: the first Claude Code start reads its binary from disk.
  await floorTrial(ctx, floorRoot(), 1);
  await floorTrial(ctx, floorRoot(), 1, bundle);
  await fanoutTrial(ctx, 1, null);

  const kinds = ['floor', 'perProcess', 'fanout'] as const;
  const rows: OverheadRow[] = [];
  for (const [k, n] of settings.agentCounts.entries()) {
    const floor: Trial[] = [];
    const perProcess: Trial[] = [];
    const fanout: Trial[] = [];
    const repeats = settings.repeats(n);
    for (let r = 0; r < repeats; r++) {
      // Each round runs the three once; which goes first turns with each round.
      const shift = (r + k) % kinds.length;
      const order = [...kinds.slice(shift), ...kinds.slice(0, shift)];
      const round: Partial<Record<(typeof kinds)[number], Trial>> = {};
      for (const kind of order) {
        round[kind] =
          kind === 'fanout'
            ? await fanoutTrial(ctx, n, null)
            : await floorTrial(ctx, floorRoot(), n, kind === 'perProcess' ? bundle : null);
      }
      const [f, p, x] = [round.floor!, round.perProcess!, round.fanout!];
      floor.push(f);
      perProcess.push(p);
      fanout.push(x);
      log(
        `overhead N=${n} ${r + 1}/${repeats}: floor ${(f.ms / 1000).toFixed(1)} s (${f.cpuS.toFixed(1)} CPU s), ` +
          `per-process ${(p.ms / 1000).toFixed(1)} s (${p.cpuS.toFixed(1)} CPU s), ` +
          `fanout ${(x.ms / 1000).toFixed(1)} s (${x.cpuS.toFixed(1)} CPU s): ×${(x.ms / f.ms).toFixed(3)} wall, ` +
          `×${(x.cpuS / f.cpuS).toFixed(3)} CPU; against per-process ×${(x.ms / p.ms).toFixed(3)} wall; ` +
          `workers ${(x.parts.workers ?? 0).toFixed(1)} CPU s, per-process Node.js ${(p.parts.processes ?? 0).toFixed(1)}`,
      );
    }
    const within = (a: Trial[], b: Trial[], key: 'ms' | 'cpuS') =>
      spread(a.map((t, i) => t[key] / b[i]![key]));
    rows.push({
      agents: n,
      floorMs: spread(floor.map((t) => t.ms)),
      fanoutMs: spread(fanout.map((t) => t.ms)),
      createMs: spread(fanout.map((t) => t.createMs ?? 0)),
      ratio: within(fanout, floor, 'ms'),
      floorCpuS: spread(floor.map((t) => t.cpuS)),
      fanoutCpuS: spread(fanout.map((t) => t.cpuS)),
      cpuRatio: within(fanout, floor, 'cpuS'),
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
      perProcessMs: spread(perProcess.map((t) => t.ms)),
      perProcessCpuS: spread(perProcess.map((t) => t.cpuS)),
      perProcessRatio: within(perProcess, floor, 'ms'),
      fanoutToPerProcess: within(fanout, perProcess, 'ms'),
      perProcessParts: {
        bench: spread(perProcess.map((t) => t.parts.bench)),
        processes: spread(perProcess.map((t) => t.parts.processes ?? 0)),
        agents: spread(perProcess.map((t) => t.parts.agents)),
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
