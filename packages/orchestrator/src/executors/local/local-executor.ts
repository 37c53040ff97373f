import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  WORKER_ENV,
  agentBranch,
  cancelFileSchema,
  checkTimeLimitSeconds,
  launchFileSchema,
  resultFileSchema,
  runPathsAt,
  type LaunchFile,
  type RunFile,
} from '@fanout/shared';
import { deferWorkerEnv, killWorktreeProcesses, writeJsonOnce } from '@fanout/worker';
import type { Logger } from '../../logger.js';
import { finishLostAgent } from '../../runs/finish-lost-agent.js';
import { readJsonFile } from '../../storage/read-json-file.js';
import type { Executor } from '../executor.js';
import { isSameProcessAlive, processStartTicks, signalGroup } from './proc.js';

export interface LocalExecutorDeps {
  /** How many workers may run at once; the rest wait as `queued`. */
  concurrency: number;
  /** Time between SIGTERM and SIGKILL when a worker is stopped. */
  killGraceMs: number;
  /** The worker command, e.g. [process.execPath, <path of fanout-worker>]. */
  workerCommand: readonly string[];
  /** The environment workers start from (credentials included); never logged. */
  env: Record<string, string | undefined>;
  logger: Logger;
  now?: () => Date;
  /** How often adopted workers (not children of this process) are checked. */
  pollMs?: number;
}

interface Slot {
  run: RunFile;
  index: number;
  pid: number | null;
  stopping: boolean;
  timedOut: boolean;
  cancelled: boolean;
  timers: NodeJS.Timeout[];
}

const key = (runId: string, index: number) => `${runId}/${index}`;

/**
 * One worker process per agent, each in its own session so it outlives the orchestrator (a restart,
 * a Ctrl-C). At most `concurrency` run at once. Stop = SIGTERM, then SIGKILL of the worker's process
 * group and of anything still working in its worktree after the grace period.
 */
export class LocalExecutor implements Executor {
  readonly name = 'local' as const;
  private readonly queue: { run: RunFile; index: number }[] = [];
  private readonly active = new Map<string, Slot>();
  private readonly now: () => Date;
  private closed = false;
  private pumping: Promise<void> = Promise.resolve();

  constructor(private readonly deps: LocalExecutorDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async launch(run: RunFile): Promise<void> {
    for (let index = 0; index < run.agents; index++) this.queue.push({ run, index });
    this.pump();
  }

  async adopt(run: RunFile): Promise<void> {
    const paths = runPathsAt(run.runDir);
    for (let index = 0; index < run.agents; index++) {
      const agent = paths.agent(index);
      if (await readJsonFile(agent.result, resultFileSchema)) continue;
      const launch = await readJsonFile(agent.launch, launchFileSchema).catch(() => null);
      if (!launch) {
        this.queue.push({ run, index });
        continue;
      }
      if (
        launch.pid !== undefined &&
        launch.host === hostname() &&
        (await isSameProcessAlive(launch.pid, launch.pidStartTicks))
      ) {
        this.deps.logger.info({ run: run.id, agent: index, pid: launch.pid }, 'adopted a running worker');
        this.watchAdopted(run, index, launch);
      } else {
        await this.finishLost(
          run,
          index,
          'worker_lost',
          'the worker stopped while the orchestrator was down, before it recorded an outcome',
        );
      }
    }
    this.pump();
  }

  async cancel(run: RunFile): Promise<void> {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const item = this.queue[i]!;
      if (item.run.id !== run.id) continue;
      this.queue.splice(i, 1);
      await this.finishNeverStarted(item.run, item.index);
    }
    for (const slot of this.active.values()) {
      if (slot.run.id !== run.id) continue;
      slot.cancelled = true;
      this.stop(slot);
    }
  }

  async ready(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.active.values()) for (const t of slot.timers) clearTimeout(t);
    await this.pumping;
  }

  /** Starts queued agents while there is room; serialised so two calls never start one agent twice. */
  private pump(): void {
    this.pumping = this.pumping.then(async () => {
      while (!this.closed && this.active.size < this.deps.concurrency && this.queue.length > 0) {
        const next = this.queue.shift()!;
        await this.start(next.run, next.index).catch((err: unknown) => {
          this.deps.logger.error({ err, run: next.run.id, agent: next.index }, 'could not start a worker');
          return this.finishLost(
            next.run,
            next.index,
            'setup_failed',
            `could not start the worker: ${String(err)}`,
          );
        });
      }
    });
  }

  private async start(run: RunFile, index: number): Promise<void> {
    const paths = runPathsAt(run.runDir);
    const agent = paths.agent(index);
    if (this.active.has(key(run.id, index))) return;
    if (await readJsonFile(agent.result, resultFileSchema)) return;
    if (await readJsonFile(paths.cancel, cancelFileSchema)) {
      await this.finishNeverStarted(run, index);
      return;
    }
    const log = openSync(agent.log, 'a');
    let child;
    try {
      const [command, ...args] = this.deps.workerCommand;
      child = spawn(command!, args, {
        cwd: paths.worktree(index),
        detached: true,
        stdio: ['ignore', log, log],
        env: {
          ...deferWorkerEnv(this.deps.env),
          [WORKER_ENV.worktree]: paths.worktree(index),
          [WORKER_ENV.branch]: agentBranch(index),
          [WORKER_ENV.runDir]: run.runDir,
          [WORKER_ENV.runId]: run.id,
          [WORKER_ENV.agentIndex]: String(index),
        },
      });
    } finally {
      closeSync(log);
    }
    const slot: Slot = {
      run,
      index,
      pid: child.pid ?? null,
      stopping: false,
      timedOut: false,
      cancelled: false,
      timers: [],
    };
    this.active.set(key(run.id, index), slot);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null }));
    });
    child.unref();
    if (slot.pid !== null) {
      await writeJsonOnce(agent.launch, {
        launchedAt: this.now().toISOString(),
        executor: 'local',
        pid: slot.pid,
        pidStartTicks: (await processStartTicks(slot.pid)) ?? undefined,
        host: hostname(),
      } satisfies LaunchFile);
      this.deps.logger.info({ run: run.id, agent: index, pid: slot.pid }, 'worker started');
    }
    this.armDeadline(slot);
    void exited.then(({ code, signal }) => this.onExit(slot, `exit code ${code ?? signal ?? 'unknown'}`));
  }

  /** A worker that this process did not start (found alive at start-up): checked every poll. */
  private watchAdopted(run: RunFile, index: number, launch: LaunchFile): void {
    const slot: Slot = {
      run,
      index,
      pid: launch.pid ?? null,
      stopping: false,
      timedOut: false,
      cancelled: false,
      timers: [],
    };
    this.active.set(key(run.id, index), slot);
    const check = async () => {
      if (this.closed) return;
      if (slot.pid !== null && (await isSameProcessAlive(slot.pid, launch.pidStartTicks))) {
        slot.timers.push(setTimeout(() => void check(), this.deps.pollMs ?? 1000));
        return;
      }
      await this.onExit(slot, 'it exited');
    };
    this.armDeadline(slot, Date.parse(launch.launchedAt));
    void check();
  }

  /** The worker enforces the run's timeout itself; this is the backstop if it cannot. */
  private armDeadline(slot: Slot, startedAt = this.now().getTime()): void {
    const backstop =
      (slot.run.timeoutSeconds + checkTimeLimitSeconds(slot.run) + 30) * 1000 + this.deps.killGraceMs;
    const remaining = Math.max(0, startedAt + backstop - this.now().getTime());
    slot.timers.push(
      setTimeout(() => {
        slot.timedOut = true;
        this.stop(slot);
      }, remaining),
    );
  }

  private stop(slot: Slot): void {
    if (slot.stopping || slot.pid === null) return;
    slot.stopping = true;
    const pid = slot.pid;
    this.deps.logger.info({ run: slot.run.id, agent: slot.index, pid }, 'stopping worker');
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone; onExit finishes it.
    }
    slot.timers.push(
      setTimeout(() => {
        signalGroup(pid, 'SIGKILL');
        void killWorktreeProcesses(runPathsAt(slot.run.runDir).worktree(slot.index));
      }, this.deps.killGraceMs),
    );
  }

  private async onExit(slot: Slot, how: string): Promise<void> {
    for (const t of slot.timers) clearTimeout(t);
    if (slot.pid !== null) signalGroup(slot.pid, 'SIGKILL');
    const agent = runPathsAt(slot.run.runDir).agent(slot.index);
    if (!(await readJsonFile(agent.result, resultFileSchema).catch(() => null))) {
      if (slot.timedOut) {
        await this.finishLost(
          slot.run,
          slot.index,
          'timeout',
          `the agent ran past its timeout of ${slot.run.timeoutSeconds} s and was stopped`,
        );
      } else if (slot.cancelled) {
        await this.finishLost(
          slot.run,
          slot.index,
          'cancelled',
          'cancelled; the worker did not stop in time and was killed, and its work was committed',
        );
      } else {
        await this.finishLost(
          slot.run,
          slot.index,
          'worker_lost',
          `the worker stopped (${how}) before it recorded an outcome; see meta/agent-${slot.index}/worker.log`,
        );
      }
    }
    this.active.delete(key(slot.run.id, slot.index));
    this.pump();
  }

  private async finishLost(
    run: RunFile,
    index: number,
    code: 'worker_lost' | 'timeout' | 'setup_failed' | 'cancelled',
    message: string,
  ): Promise<void> {
    const reasons = {
      timeout: 'after the timeout',
      cancelled: 'after cancel',
      worker_lost: 'after the worker was lost',
      setup_failed: null,
    } as const;
    await finishLostAgent(
      run,
      index,
      {
        status: code === 'cancelled' ? 'cancelled' : 'failed',
        error: { code, message },
        commitReason: reasons[code],
      },
      { logger: this.deps.logger, now: this.now },
    ).catch((err: unknown) =>
      this.deps.logger.error({ err, run: run.id, agent: index }, 'could not record a lost agent'),
    );
  }

  private async finishNeverStarted(run: RunFile, index: number): Promise<void> {
    await finishLostAgent(
      run,
      index,
      {
        status: 'cancelled',
        error: { code: 'cancelled', message: 'cancelled before it started' },
        commitReason: null,
      },
      { logger: this.deps.logger, now: this.now },
    );
  }
}
