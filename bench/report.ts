import { readFile, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import type { ApiScaleResult } from './api-scale.js';
import type { LiveLatencyResult } from './live-latency.js';
import type { RunMemory } from './memory.js';
import type { OverheadRow } from './overhead.js';
import type { BenchSettings } from './settings.js';
import type { Latency, Spread } from './stats.js';

export interface BenchResults {
  settings: BenchSettings;
  startedAt: Date;
  minutes: number;
  loadBefore: number[];
  /** Of the machine's CPU time during the run, the share the hypervisor gave to other guests (steal). */
  stolenPercent: number;
  /** Certificates in the file that NODE_EXTRA_CA_CERTS names; null when it is not set or cannot be read. */
  extraCaCerts: number | null;
  overhead: OverheadRow[];
  orchestratorIdleMb: number;
  orchestratorIdleAfterMb: number;
  runMemory: RunMemory;
  api: ApiScaleResult;
  live: LiveLatencyResult;
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const s1 = (ms: number) => (ms / 1000).toFixed(1);
const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const range = (s: Spread, f: (x: number) => string) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
const pct = (l: Latency, f: (x: number) => string = f1) => `${f(l.p50)} / ${f(l.p99)}`;

interface Target {
  what: string;
  target: string;
  result: string;
  met: boolean;
}

function targets(r: BenchResults): Target[] {
  const list: Target[] = [];
  const ratioTarget = (n: number, limit: number) => {
    const row = r.overhead.find((o) => o.agents === n);
    if (row) {
      list.push({
        what: `overhead at N = ${n} (wall, median)`,
        target: `≤ ${limit.toFixed(2)}×`,
        result: `${f2(row.ratio.median)}×`,
        met: row.ratio.median <= limit,
      });
    }
  };
  ratioTarget(8, 1.1);
  ratioTarget(16, 1.25);
  list.push(
    {
      what: 'orchestrator idle RSS',
      target: '≤ 120 MB',
      result: `${f0(r.orchestratorIdleMb)} MB`,
      met: r.orchestratorIdleMb <= 120,
    },
    {
      what: 'worker overhead: RSS of the worker process (median)',
      target: '≤ 40 MB',
      result: `${f0(r.runMemory.workerRssMb.median)} MB`,
      met: r.runMemory.workerRssMb.median <= 40,
    },
    {
      what: 'worker overhead: PSS (shared pages split among sharers)',
      target: '≤ 40 MB',
      result: `${f0(r.runMemory.workerPssMb.median)} MB`,
      met: r.runMemory.workerPssMb.median <= 40,
    },
    {
      what: 'worker overhead: USS (what one more worker adds)',
      target: '≤ 40 MB',
      result: `${f0(r.runMemory.workerUssMb.median)} MB`,
      met: r.runMemory.workerUssMb.median <= 40,
    },
    {
      what: `GET /api/runs p99, ${r.api.runs} runs on disk`,
      target: '≤ 20 ms',
      result: `${f1(r.api.listFirstPage.p99)} ms`,
      met: r.api.listFirstPage.p99 <= 20,
    },
    {
      what: `start-up to the first GET /api/runs answered, ${r.api.runs} runs (median)`,
      target: '≤ 1 s',
      result: `${f2(r.api.firstListMs.median / 1000)} s`,
      met: r.api.firstListMs.median <= 1000,
    },
    {
      what: 'SSE p99, transcript line written → client',
      target: '≤ 150 ms',
      result: `${f1(r.live.latencyMs.p99)} ms`,
      met: r.live.latencyMs.p99 <= 150,
    },
  );
  return list;
}

/** The results as Markdown: machine, settings, one table per measurement, and the targets. */
export function renderResults(r: BenchResults): string {
  const cpu = cpus();
  const m = r.runMemory;
  const lines = [
    `Measured ${r.startedAt.toISOString().slice(0, 10)} with \`${r.settings.quick ? 'BENCH_QUICK=1 ' : ''}npm run bench\` ` +
      `in ${f0(r.minutes)} min on ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ` +
      `${f1(totalmem() / 2 ** 30)} GiB memory, Linux ${release()}, Node.js ${process.version}. ` +
      `Load average (1 min) ${f1(r.loadBefore[0] ?? 0)} as it started (its own agents raise it while it runs); ` +
      `the hypervisor gave ${f1(r.stolenPercent)} % of the CPU time to other guests meanwhile (steal). ` +
      (r.extraCaCerts === null
        ? '`NODE_EXTRA_CA_CERTS` named no certificate file.'
        : `\`NODE_EXTRA_CA_CERTS\` named ${r.extraCaCerts} certificates, which every Node.js process parses ` +
          `as it starts, apart from fanout's workers (*What was fixed*).`),
    '',
    `Every agent's work: Write, Read and Edit of a file, a commit through the Bash tool, a final answer ` +
      `(5 model turns, each answered after ${r.settings.responseDelayMs} ms). Each trial is checked: every agent ` +
      `succeeded, its branch ends in its own commit of the file, and the model answered each turn once.`,
    '',
    '### Overhead against the floor',
    '',
    'Seconds from `POST /api/runs` until the API shows every agent finished and committed, against the same',
    'agents as bare SDK `query()` calls in one process (then a commit each). Median (min–max) over rounds of',
    'back-to-back trials; the ratios are taken within each round. CPU: seconds of CPU used by everything the',
    'trial ran.',
    '',
    '| N | rounds | floor (s) | fanout (s) | of which POST (s) | wall ratio | floor CPU (s) | fanout CPU (s) | CPU ratio |',
    '| --: | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...r.overhead.map(
      (o) =>
        `| ${o.agents} | ${o.ratio.count} | ${range(o.floorMs, s1)} | ${range(o.fanoutMs, s1)} | ` +
        `${f2(o.createMs.median / 1000)} | ${range(o.ratio, f2)} | ` +
        `${range(o.floorCpuS, f0)} | ${range(o.fanoutCpuS, f0)} | ${range(o.cpuRatio, f2)} |`,
    ),
    '',
    "Where that CPU went, CPU-seconds per trial (median). *bench*: the bench's own process, which runs the",
    "scripted model and, in the floor, the SDK for every agent; *orchestrator* and *workers*: fanout's own",
    'processes (each worker logs its CPU time as it finishes); *agents*: the rest, which is Claude Code,',
    "`claude mcp serve`, the agents' shells and every git command.",
    '',
    '| N | floor: bench | floor: agents | fanout: bench | orchestrator | workers (per agent) | fanout: agents |',
    '| --: | --: | --: | --: | --: | --: | --: |',
    ...r.overhead.map(
      (o) =>
        `| ${o.agents} | ${f1(o.floorParts.bench.median)} | ${f1(o.floorParts.agents.median)} | ` +
        `${f1(o.fanoutParts.bench.median)} | ${f1(o.fanoutParts.orchestrator.median)} | ` +
        `${f1(o.fanoutParts.workers.median)} (${f2(o.fanoutParts.workers.median / o.agents)}) | ` +
        `${f1(o.fanoutParts.agents.median)} |`,
    ),
    '',
    'The same agents on the **per-process floor**: each a bare SDK `query()` in a Node.js process of its own,',
    "in a session of its own, started with the workers' V8 flags; the design fanout's contract asks for (one",
    'process per agent, so that agents outlive the orchestrator and run as Kubernetes Jobs), with nothing of',
    "fanout's in it. From the floor to it is the cost of that design; from it to fanout, what fanout adds. In",
    "the same rounds as above; *Node.js* is those processes' own CPU, *agents* the rest.",
    '',
    '| N | per-process floor (s) | ÷ floor | fanout ÷ per-process floor | CPU (s) | bench | Node.js (per agent) | agents |',
    '| --: | --: | --: | --: | --: | --: | --: | --: |',
    ...r.overhead.map(
      (o) =>
        `| ${o.agents} | ${range(o.perProcessMs, s1)} | ${range(o.perProcessRatio, f2)} | ` +
        `${range(o.fanoutToPerProcess, f2)} | ${range(o.perProcessCpuS, f0)} | ${f1(o.perProcessParts.bench.median)} | ` +
        `${f1(o.perProcessParts.processes.median)} (${f2(o.perProcessParts.processes.median / o.agents)}) | ` +
        `${f1(o.perProcessParts.agents.median)} |`,
    ),
    '',
    '### Memory',
    '',
    '| measure | MB |',
    '| --- | --: |',
    `| orchestrator RSS, idle after start-up | ${f0(r.orchestratorIdleMb)} |`,
    `| orchestrator RSS, largest during ${m.runs} runs of ${m.agents} agents | ${f0(m.orchestratorPeakMb)} |`,
    `| orchestrator RSS, idle after all runs | ${f0(r.orchestratorIdleAfterMb)} |`,
    `| worker process RSS at its largest, median (max) of ${m.runs * m.agents} | ${f0(m.workerRssMb.median)} (${f0(m.workerRssMb.max)}) |`,
    `| worker process PSS (shared pages divided among sharers), median (max) | ${f0(m.workerPssMb.median)} (${f0(m.workerPssMb.max)}) |`,
    `| worker process USS (pages only it holds), median (max) | ${f0(m.workerUssMb.median)} (${f0(m.workerUssMb.max)}) |`,
    `| for comparison: Claude Code and \`claude mcp serve\` beneath each worker (the floor), median | ${f0(m.claudeRssMb.median)} |`,
    '',
    `### API at scale (${r.api.runs} finished runs on disk)`,
    '',
    '| request | p50 / p99 (ms) | max (ms) |',
    '| --- | --: | --: |',
    `| \`GET /healthz\` (the machine's own noise) | ${pct(r.api.health)} | ${f1(r.api.health.max)} |`,
    `| \`GET /api/runs\` (first page, 50 runs) | ${pct(r.api.listFirstPage)} | ${f1(r.api.listFirstPage.max)} |`,
    `| \`GET /api/runs?cursor=…\` (every page in turn) | ${pct(r.api.listAllPages)} | ${f1(r.api.listAllPages.max)} |`,
    `| \`GET /api/runs/:id\` | ${pct(r.api.getOne)} | ${f1(r.api.getOne.max)} |`,
    '',
    `Start-up, median (min–max) of ${r.api.listenMs.count}: listening after ${range(r.api.listenMs, f0)} ms; ` +
      `first \`GET /api/runs\` answered after ${range(r.api.firstListMs, f0)} ms; ` +
      `every run on disk checked after ${range(r.api.adoptedMs, f0)} ms.`,
    '',
    `### Live latency (${r.live.runs} ${r.live.runs === 1 ? 'run' : 'runs'} of ${r.live.agents} agents, ${r.live.latencyMs.count} messages)`,
    '',
    `Transcript line written → SSE client: p50 ${f1(r.live.latencyMs.p50)} ms, p99 ${f1(r.live.latencyMs.p99)} ms, ` +
      `max ${f1(r.live.latencyMs.max)} ms.`,
    '',
    '### Targets',
    '',
    '| target | limit | result | |',
    '| --- | --: | --: | --- |',
    ...targets(r).map((t) => `| ${t.what} | ${t.target} | ${t.result} | ${t.met ? 'met' : '**missed**'} |`),
  ];
  return lines.join('\n');
}

const SKELETON = `# Benchmarks

${START}
${END}
`;

/** Puts the results between the markers of BENCHMARKS.md, keeping the hand-written text around them. */
export async function writeResults(path: string, markdown: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => SKELETON);
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const base = start === -1 || end < start ? SKELETON : current;
  const a = base.indexOf(START) + START.length;
  const b = base.indexOf(END);
  await writeFile(path, `${base.slice(0, a)}\n\n${markdown}\n\n${base.slice(b)}`);
}
