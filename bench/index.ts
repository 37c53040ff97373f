import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, claudeEnvFor, startOrchestratorProcess, startScriptedModel } from '@fanout/test-utils';
import { workScript } from './agent-script.js';
import { measureApiAtScale } from './api-scale.js';
import { measureLiveLatency } from './live-latency.js';
import { RunMemorySampler, idleRssMb } from './memory.js';
import { measureOverhead, sampleRunMemory } from './overhead.js';
import { extraCaCertCount, machineCpu } from './proc.js';
import { renderResults, writeResults } from './report.js';
import { ORCHESTRATOR_ENV, loadSettings } from './settings.js';

/**
 * `npm run bench`: fanout's overhead against bare SDK calls, memory, the API with 1,000 runs on disk, and
 * live event latency. Prints the results and writes them into BENCHMARKS.md. Any failed check (an agent
 * that did not commit its work, a missing event) stops it without writing anything.
 */
const BUILT = ['shared', 'test-utils', 'worker', 'orchestrator'].map((p) =>
  join(REPO_ROOT, 'packages', p, 'dist'),
);

async function main(): Promise<void> {
  const missing = BUILT.filter((dir) => !existsSync(dir));
  if (missing.length > 0) throw new Error(`build first (npm run build): missing ${missing.join(', ')}`);
  const settings = loadSettings(process.env);
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const startedAt = new Date();
  const loadBefore = loadavg();
  const cpuBefore = await machineCpu();
  const tmp = await mkdtemp(join(tmpdir(), 'fanout-bench-'));
  try {
    log(`${settings.quick ? 'quick' : 'full'} run; work in ${tmp}`);
    const api = await measureApiAtScale(settings, tmp);
    log(
      `API: GET /api/runs p50 ${api.listFirstPage.p50.toFixed(1)} ms, p99 ${api.listFirstPage.p99.toFixed(1)} ms`,
    );

    await using model = await startScriptedModel({ script: workScript(settings.responseDelayMs) });
    await using orchestrator = await startOrchestratorProcess({
      storage: join(tmp, 'runs'),
      env: { ...claudeEnvFor(model), ...ORCHESTRATOR_ENV },
    });
    const pid = orchestrator.child.pid!;
    const orchestratorIdleMb = await idleRssMb(pid);
    log(`orchestrator idle RSS ${orchestratorIdleMb.toFixed(0)} MB`);
    const memory = new RunMemorySampler(pid, orchestrator.storage);
    const ctx = { settings, model, orchestrator, tmp, log };
    const overhead = await measureOverhead(ctx);
    await sampleRunMemory(ctx, memory, Math.max(...settings.agentCounts), settings.memoryRuns);
    const live = await measureLiveLatency(orchestrator, model, settings.liveAgents, settings.liveRuns);
    log(`live: p50 ${live.latencyMs.p50.toFixed(1)} ms, p99 ${live.latencyMs.p99.toFixed(1)} ms`);
    const orchestratorIdleAfterMb = await idleRssMb(pid);
    const cpuAfter = await machineCpu();

    const markdown = renderResults({
      settings,
      startedAt,
      minutes: (Date.now() - startedAt.getTime()) / 60_000,
      loadBefore,
      stolenPercent: (100 * (cpuAfter.steal - cpuBefore.steal)) / (cpuAfter.total - cpuBefore.total || 1),
      extraCaCerts: await extraCaCertCount(process.env['NODE_EXTRA_CA_CERTS']),
      overhead,
      orchestratorIdleMb,
      orchestratorIdleAfterMb,
      runMemory: memory.result(),
      api,
      live,
    });
    process.stdout.write(`${markdown}\n`);
    await writeResults(join(REPO_ROOT, 'BENCHMARKS.md'), markdown);
    log('results written to BENCHMARKS.md');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
