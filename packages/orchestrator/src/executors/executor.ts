import type { RunFile } from '@fanout/shared';

/** One agent's worker, as an executor is asked to start it. */
export interface AgentLaunch {
  run: RunFile;
  index: number;
}

/**
 * How workers are started and stopped. The rest of the orchestrator does not know which one runs.
 * Implementations: `local` (a child process per agent) and `kubernetes` (a Job per agent).
 *
 * Executors never decide an agent's outcome themselves except when its worker is gone without one:
 * then they salvage its work and write `result.json` through `finishLostAgent`.
 */
export interface Executor {
  readonly name: 'local' | 'kubernetes';
  /** Start (or queue) the workers of a new run. Idempotent: launching an agent twice is harmless. */
  launch(run: RunFile): Promise<void>;
  /** Stop every unfinished worker of a run: SIGTERM (or Job deletion); the workers commit and exit. */
  cancel(run: RunFile): Promise<void>;
  /** Pick up runs found on disk at start-up whose agents are unfinished. */
  adopt(run: RunFile): Promise<void>;
  /** Readiness: can this executor start workers right now? */
  ready(): Promise<boolean>;
  /** Stop watching; workers keep running (they outlive the orchestrator). */
  close(): Promise<void>;
}
