import { readFile } from 'node:fs/promises';
import { ZERO_USAGE, stateFileSchema, type StateFile } from '@fanout/shared';
import { writeJsonAtomicSync } from './atomic-file.js';
import { errorMessage, type Logger } from './logger.js';
import type { Progress } from './outcome.js';

export interface AgentStateOptions {
  path: string;
  pid: number;
  host: string;
  startedAt: Date;
  model: string | null;
  clock: () => Date;
  log: Logger;
  /** Writes are at least this far apart (progress can arrive many times a second). */
  minIntervalMs?: number;
  /** A write at least this often, so readers can tell a live worker from a lost one. */
  heartbeatMs?: number;
}

async function previousRev(path: string): Promise<number> {
  try {
    return stateFileSchema.parse(JSON.parse(await readFile(path, 'utf8'))).rev;
  } catch {
    return 0;
  }
}

/**
 * The worker's live state, meta/agent-N/state.json (one writer: this worker). Each write replaces the file
 * atomically and raises `rev` by one; writes are throttled, and a heartbeat rewrites it every few seconds.
 */
export class AgentStateWriter {
  private state: StateFile;
  private lastWrite = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private stopped = false;

  private constructor(
    private readonly options: AgentStateOptions,
    rev: number,
  ) {
    const now = options.clock().toISOString();
    this.state = {
      rev,
      pid: options.pid,
      host: options.host,
      startedAt: options.startedAt.toISOString(),
      heartbeatAt: now,
      numTurns: 0,
      usage: ZERO_USAGE,
      costUsd: null,
      activity: 'Starting',
      model: options.model,
      sessionId: null,
    };
    this.heartbeat = setInterval(() => this.writeNow(), options.heartbeatMs ?? 5000);
    this.heartbeat.unref();
  }

  /** Writes the first state (the worker is running) and starts the heartbeat. */
  static async start(options: AgentStateOptions): Promise<AgentStateWriter> {
    const writer = new AgentStateWriter(options, await previousRev(options.path));
    writer.writeNow();
    return writer;
  }

  /** Records new progress; it reaches the file within the throttle interval. */
  update(progress: Progress & Pick<StateFile, 'checking' | 'settingUp'>): void {
    if (this.stopped) return;
    this.state = { ...this.state, ...progress };
    const wait = this.lastWrite + (this.options.minIntervalMs ?? 250) - Date.now();
    if (wait <= 0) this.writeNow();
    else this.timer ??= setTimeout(() => this.writeNow(), wait);
  }

  /** Writes the last state and stops writing; state.json does not change after this. */
  stop(progress?: Progress & Pick<StateFile, 'checking' | 'settingUp'>): void {
    if (progress) this.state = { ...this.state, ...progress };
    this.writeNow();
    this.stopped = true;
    clearInterval(this.heartbeat);
  }

  private writeNow(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastWrite = Date.now();
    this.state = { ...this.state, rev: this.state.rev + 1, heartbeatAt: this.options.clock().toISOString() };
    try {
      writeJsonAtomicSync(this.options.path, this.state);
    } catch (error) {
      this.options.log.warn('could not write state.json', { error: errorMessage(error) });
    }
  }
}
