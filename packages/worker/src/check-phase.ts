import { existsSync } from 'node:fs';
import type { CheckResult } from '@fanout/shared';
import { watchCancelFile } from './cancel-watch.js';
import type { Logger } from './logger.js';
import { runCheck } from './run-check.js';
import { endLeftovers } from './worktree-processes.js';

export interface CheckPhaseOptions {
  command: string;
  worktree: string;
  env: NodeJS.ProcessEnv;
  /** meta/cancel.json: when it appears, the check is stopped (`error`, "cancelled"). */
  cancelPath: string;
  cancelPollMs: number;
  timeoutMs: number;
  killGraceMs: number;
  /** Subscribes to the worker's stop signals (SIGTERM, SIGINT); returns an unsubscribe. */
  onStopSignal: (listener: () => void) => () => void;
  log: Logger;
}

/**
 * The run's check for one agent, after its work is committed: runs it (see runCheck) unless the run was
 * cancelled meanwhile, stops it on a cancel or a stop signal, and then ends whatever it left running in
 * the worktree. What it writes into the worktree stays uncommitted.
 */
export async function runCheckPhase(options: CheckPhaseOptions): Promise<CheckResult> {
  const { log } = options;
  const abort = new AbortController();
  const cancel = (why: string) => {
    if (!abort.signal.aborted) log.info('stopping the check', { why });
    abort.abort(why);
  };
  if (existsSync(options.cancelPath)) cancel('cancelled');
  const watch = watchCancelFile(options.cancelPath, options.cancelPollMs, () => cancel('cancelled'));
  const unsubscribe = options.onStopSignal(() => {
    cancel(existsSync(options.cancelPath) ? 'cancelled' : 'stopped: the worker was told to stop');
  });
  try {
    if (!abort.signal.aborted) log.info('running the check', { command: options.command });
    const result = await runCheck({
      command: options.command,
      cwd: options.worktree,
      env: options.env,
      timeoutMs: options.timeoutMs,
      signal: abort.signal,
      killGraceMs: options.killGraceMs,
    });
    log.info('check finished', {
      status: result.status,
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      ...(result.message ? { message: result.message } : {}),
    });
    return result;
  } finally {
    watch.stop();
    unsubscribe();
    await endLeftovers(options.worktree, options.killGraceMs, 'the check', log);
  }
}
