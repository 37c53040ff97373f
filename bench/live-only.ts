import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claudeEnvFor, startOrchestratorProcess, startScriptedModel } from '@fanout/test-utils';
import { workScript } from './agent-script.js';
import { measureLiveLatency } from './live-latency.js';
import { ORCHESTRATOR_ENV, loadSettings } from './settings.js';

/**
 * `npm run bench:live`: only the live-latency measurement, `BENCH_RUNS` times (default 3) against one
 * orchestrator, one line per run. Its tail moves a lot from run to run on a busy machine, so a change to
 * the event path is best judged over several. Writes nothing.
 */
async function main(): Promise<void> {
  const settings = loadSettings(process.env);
  const runs = Number(process.env['BENCH_RUNS'] ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('BENCH_RUNS: must be an integer ≥ 1');
  const tmp = await mkdtemp(join(tmpdir(), 'fanout-bench-live-'));
  try {
    await using model = await startScriptedModel({ script: workScript(settings.responseDelayMs) });
    await using orchestrator = await startOrchestratorProcess({
      storage: join(tmp, 'runs'),
      env: { ...claudeEnvFor(model), ...ORCHESTRATOR_ENV },
    });
    for (let i = 1; i <= runs; i++) {
      const { agents, latencyMs: l } = await measureLiveLatency(orchestrator, model, settings.liveAgents);
      process.stdout.write(
        `run ${i}: ${agents} agents, ${l.count} messages: p50 ${l.p50.toFixed(1)} ms, ` +
          `p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms\n`,
      );
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
