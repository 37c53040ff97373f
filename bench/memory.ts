import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchFileSchema, runPaths, type Run } from '@fanout/shared';
import { descendantsOf, procMemory, vmRssKb, type ProcMemory } from './proc.js';
import { median } from './stats.js';

const SAMPLE_MS = 200;
/** While runs go on, sampling is kept light: it shares the machine with the run it measures. */
const RUN_SAMPLE_MS = 500;
/** Every this many samples, the process table is read again to find the processes beneath each worker. */
const SCAN_EVERY = 4;
const mb = (kb: number) => kb / 1024;

/** Median and largest of a set of values (MiB). */
export interface MbSummary {
  median: number;
  max: number;
}
const summary = (values: number[]): MbSummary => ({ median: median(values), max: Math.max(...values) });

/** The orchestrator's VmRSS at rest: the median of ten samples, 200 ms apart (MiB). */
export async function idleRssMb(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 10; i++) {
    const kb = await vmRssKb(pid);
    if (kb === null) throw new Error(`memory: process ${pid} is gone`);
    samples.push(kb);
    await sleep(SAMPLE_MS);
  }
  return mb(median(samples));
}

export interface RunMemory {
  agents: number;
  runs: number;
  /** The orchestrator's largest VmRSS while the runs went on. */
  orchestratorPeakMb: number;
  /** Each worker process at its largest (its own pages; not its children). */
  workerRssMb: MbSummary;
  workerPssMb: MbSummary;
  workerUssMb: MbSummary;
  /** What each worker runs beneath it (Claude Code and `claude mcp serve`), summed, at its largest: the floor. */
  claudeRssMb: MbSummary;
}

/**
 * Samples memory every 500 ms while runs go on: the orchestrator's VmRSS, and per agent its worker's own
 * memory (pid from meta/agent-N/launch.json) and, apart, the Claude Code processes beneath it.
 */
export class RunMemorySampler {
  private orchestratorPeak = 0;
  private readonly workers: ProcMemory[] = [];
  private readonly claude: number[] = [];
  private runs = 0;
  private agents = 0;

  constructor(
    private readonly orchestratorPid: number,
    private readonly storage: string,
  ) {}

  /** Samples until `stop()` is called; call it once the run is over. */
  follow(run: Run): { stop(): Promise<void> } {
    let going = true;
    const workerPeaks = new Map<number, ProcMemory>();
    const claudePeaks = new Map<number, number>();
    const paths = runPaths(this.storage, run.id);
    const pids = new Map<number, number>();
    let children = new Map<number, number[]>();
    const loop = (async () => {
      for (let sample = 0; going; sample++) {
        const rss = (await vmRssKb(this.orchestratorPid)) ?? 0;
        this.orchestratorPeak = Math.max(this.orchestratorPeak, rss);
        for (const { index } of run.agents) {
          if (pids.has(index)) continue;
          const text = await readFile(paths.agent(index).launch, 'utf8').catch(() => null);
          const pid = text === null ? undefined : launchFileSchema.parse(JSON.parse(text)).pid;
          if (pid !== undefined) pids.set(index, pid);
        }
        if (sample % SCAN_EVERY === 0) children = await descendantsOf([...pids.values()]);
        await Promise.all(
          [...pids].map(async ([index, pid]) => {
            const own = await procMemory(pid);
            if (!own) return;
            const peak = workerPeaks.get(index);
            workerPeaks.set(index, {
              rss: Math.max(peak?.rss ?? 0, own.rss),
              pss: Math.max(peak?.pss ?? 0, own.pss),
              uss: Math.max(peak?.uss ?? 0, own.uss),
            });
            const sizes = await Promise.all((children.get(pid) ?? []).map((c) => vmRssKb(c)));
            const sum = sizes.reduce<number>((a, b) => a + (b ?? 0), 0);
            claudePeaks.set(index, Math.max(claudePeaks.get(index) ?? 0, sum));
          }),
        );
        await sleep(RUN_SAMPLE_MS);
      }
    })();
    return {
      stop: async () => {
        going = false;
        await loop;
        if (workerPeaks.size !== run.agents.length) {
          throw new Error(`memory: sampled ${workerPeaks.size} of the run's ${run.agents.length} workers`);
        }
        this.runs += 1;
        this.agents = run.agents.length;
        this.workers.push(...workerPeaks.values());
        this.claude.push(...claudePeaks.values());
      },
    };
  }

  result(): RunMemory {
    return {
      agents: this.agents,
      runs: this.runs,
      orchestratorPeakMb: mb(this.orchestratorPeak),
      workerRssMb: summary(this.workers.map((w) => mb(w.rss))),
      workerPssMb: summary(this.workers.map((w) => mb(w.pss))),
      workerUssMb: summary(this.workers.map((w) => mb(w.uss))),
      claudeRssMb: summary(this.claude.map(mb)),
    };
  }
}
