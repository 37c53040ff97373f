import { spawn } from 'node:child_process';
import type { CheckResult } from '@fanout/shared';
import { OutputTail } from './output-tail.js';

/**
 * How a command ended, in the check's terms: `passed` (exit 0), `failed` (another exit code, or a signal) or
 * `error` (it could not start, ran out of time or was stopped), with its exit code, duration and output tail.
 */
export type CommandResult = CheckResult;

export interface CommandOptions {
  /** The shell command, run as `/bin/sh -c <command>`. */
  command: string;
  /** Where it runs: the agent's worktree. */
  cwd: string;
  /** Its environment (the worker's, as given). `CI=true` is added so test runners never wait for input. */
  env: NodeJS.ProcessEnv;
  /** After this long it is stopped: `error`, "timed out after … s". */
  timeoutMs: number;
  /** Aborting it stops the command: `error`, with the abort reason's message (e.g. "cancelled"). */
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL to its process group when it is stopped. */
  killGraceMs?: number;
  /** How much of the end of its output is kept. */
  outputBytes: number;
  /** Milliseconds since some fixed point (default: performance.now). */
  now?: () => number;
}

/** Sends a signal to a whole process group; nothing happens when it is gone already. */
function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // already gone
  }
}

function reasonMessage(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'cancelled';
}

/**
 * Runs a shell command of the run (its setup, its check): `/bin/sh -c <command>` in the worktree, as a real
 * child process leading its own process group, keeping the tail of stdout and stderr (in the order they
 * arrive). Exit 0 is `passed`, another exit code `failed`; a command that cannot start, runs out of time or
 * is stopped is `error` with a message. When the shell has ended (or is stopped) its whole group is killed,
 * so nothing it started in the background lives on; processes that left the group are the caller's to end
 * (see killWorktreeProcesses). Never rejects.
 */
export function runCommand(options: CommandOptions): Promise<CommandResult> {
  const now = options.now ?? (() => performance.now());
  const killGraceMs = options.killGraceMs ?? 2_000;
  const tail = new OutputTail(options.outputBytes);
  const startedAt = now();
  const elapsed = () => Math.max(0, Math.round(now() - startedAt));

  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({
        status: 'error',
        exitCode: null,
        durationMs: 0,
        output: '',
        message: reasonMessage(options.signal),
      });
      return;
    }
    let stoppedBecause: string | null = null;
    let startError: string | null = null;
    const timers: NodeJS.Timeout[] = [];
    const child = spawn('/bin/sh', ['-c', options.command], {
      cwd: options.cwd,
      env: { ...options.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const pgid = child.pid;
    child.stdout.on('data', (chunk: Buffer) => tail.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => tail.add(chunk));

    const stop = (why: string) => {
      if (stoppedBecause !== null || pgid === undefined) return;
      stoppedBecause = why;
      signalGroup(pgid, 'SIGTERM');
      timers.push(setTimeout(() => signalGroup(pgid, 'SIGKILL'), killGraceMs));
    };
    timers.push(
      setTimeout(() => stop(`timed out after ${formatSeconds(options.timeoutMs)}`), options.timeoutMs),
    );
    const onAbort = () => stop(options.signal ? reasonMessage(options.signal) : 'cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(verdict(exit, stoppedBecause, startError, elapsed(), tail.text()));
    };
    child.once('error', (error) => {
      if (child.pid !== undefined) return; // a failed kill; the exit is still to come
      startError = `could not start /bin/sh: ${error.message}`;
      finish();
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever the shell left running in its group goes with it; its pipes then close.
      if (pgid !== undefined) signalGroup(pgid, 'SIGKILL');
      // A process that left the group may hold the pipes open: stop waiting for them after the grace.
      timers.push(
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish();
        }, killGraceMs),
      );
    });
    child.once('close', finish);
  });
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

function verdict(
  exit: { code: number | null; signal: NodeJS.Signals | null } | null,
  stoppedBecause: string | null,
  startError: string | null,
  durationMs: number,
  output: string,
): CommandResult {
  const base = { durationMs, output };
  if (startError !== null) return { ...base, status: 'error', exitCode: null, message: startError };
  if (stoppedBecause !== null) {
    return { ...base, status: 'error', exitCode: null, message: stoppedBecause };
  }
  if (exit?.code === 0) return { ...base, status: 'passed', exitCode: 0 };
  if (exit?.code !== null && exit?.code !== undefined) {
    return { ...base, status: 'failed', exitCode: exit.code };
  }
  return {
    ...base,
    status: 'failed',
    exitCode: null,
    message: `ended by ${exit?.signal ?? 'an unknown signal'}`,
  };
}
