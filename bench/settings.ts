/** What one `npm run bench` measures, and how much of it. `BENCH_QUICK=1` is a short run for development. */
export interface BenchSettings {
  quick: boolean;
  /** Agents per run in the overhead comparison. */
  agentCounts: number[];
  /** Rounds (floor, per-process floor, fanout, back to back) for a given agent count. */
  repeats: (agents: number) => number;
  /** The scripted model's delay before every answer (stands in for the model's own time). */
  responseDelayMs: number;
  /** Finished runs faked on disk for the API-at-scale measurements. */
  fakeRuns: number;
  /** Requests per API latency measurement. */
  apiRequests: number;
  /** Orchestrator start-ups timed with the fake runs on disk. */
  startups: number;
  /** Agents in the run whose live events are timed. */
  liveAgents: number;
  /**
   * Runs whose live latencies are pooled: one run of 8 agents has 88 messages, so its p99 is its slowest
   * message, which moved between 29 and 250 ms from run to run on these cores.
   */
  liveRuns: number;
  /** Untimed runs of the largest N during which memory is sampled. */
  memoryRuns: number;
}

export function loadSettings(env: NodeJS.ProcessEnv): BenchSettings {
  const quick = env['BENCH_QUICK'] === '1';
  const delay = Number(env['BENCH_DELAY_MS'] ?? 1000);
  if (!Number.isInteger(delay) || delay < 0) throw new Error('BENCH_DELAY_MS: must be an integer ≥ 0');
  return {
    quick,
    agentCounts: quick ? [1, 4] : [1, 4, 8, 16],
    // A round of 8 agents swings by a fifth from round to round and one of 16 by more, so those get as many
    // rounds as the time allows (a round of 16 takes two minutes). Nine rounds of 8 run each of the three
    // orders of the trials three times.
    repeats: (agents) => (quick ? 2 : agents === 8 ? 9 : 4),
    responseDelayMs: delay,
    fakeRuns: 1000,
    apiRequests: quick ? 200 : 1000,
    startups: quick ? 2 : 5,
    liveAgents: quick ? 2 : 8,
    liveRuns: quick ? 1 : 3,
    memoryRuns: quick ? 1 : 2,
  };
}

/** The orchestrator every measurement runs: no agent waits for a slot, and no web UI is served. */
export const ORCHESTRATOR_ENV = { FANOUT_CONCURRENCY: '16', FANOUT_MAX_AGENTS: '16', FANOUT_WEB_ROOT: '' };
