import { watch, type FSWatcher } from 'node:fs';
import {
  FanoutError,
  decodeCursor,
  encodeCursor,
  isFinalRunStatus,
  type RunStreamEvent,
  type StreamCursor,
} from '@fanout/shared';
import { agentPhase, buildAgent } from '../runs/build-run.js';
import type { RunStore } from '../runs/run-store.js';
import { TranscriptReader, parseTranscriptLine } from './transcript-reader.js';

/** How often files are checked when no change notice arrives (other hosts' writes on a shared volume). */
const POLL_MS = 500;
const BATCH_LINES = 500;

export type RunEventStart = { kind: 'done' } | { kind: 'stream'; events: AsyncGenerator<RunStreamEvent> };

/**
 * Opens a run's event stream from `after` (a cursor, `0`, or null for "from now"). Checks the cursor
 * against the run directory first, so a malformed one is refused before any event is sent; a cursor
 * past the final event answers `done` (HTTP 204).
 */
export async function openRunEvents(
  store: RunStore,
  id: string,
  after: string | null,
  signal: AbortSignal,
): Promise<RunEventStart> {
  const file = await store.runFile(id);
  let cursor: StreamCursor | null = null;
  if (after !== null) {
    cursor = decodeCursor(after, file.agents);
    if (!cursor)
      throw new FanoutError('invalid_request', 'Last-Event-ID: is not a cursor of this run', {
        field: 'Last-Event-ID',
        reason: 'is not a cursor of this run',
      });
    if (cursor.done) return { kind: 'done' };
  }
  const readers = Array.from(
    { length: file.agents },
    (_, i) => new TranscriptReader(store.paths(id).agent(i).transcript),
  );
  if (cursor) {
    for (let i = 0; i < file.agents; i++) {
      const want = cursor.agents[i]?.lines ?? 0;
      const have = await readers[i]!.skip(want);
      if (have < want)
        throw new FanoutError('invalid_request', 'Last-Event-ID: is ahead of the run', {
          field: 'Last-Event-ID',
          reason: 'is ahead of the run',
        });
    }
  }
  return { kind: 'stream', events: streamRunEvents(store, id, cursor, readers, signal) };
}

async function* streamRunEvents(
  store: RunStore,
  id: string,
  start: StreamCursor | null,
  readers: TranscriptReader[],
  signal: AbortSignal,
): AsyncGenerator<RunStreamEvent> {
  const file = await store.runFile(id);
  const paths = store.paths(id);
  const wake = new Wakeup(
    Array.from({ length: file.agents }, (_, i) => paths.agent(i).dir).concat(paths.meta),
  );
  signal.addEventListener('abort', () => wake.close(), { once: true });
  try {
    let cursor: StreamCursor;
    if (start) {
      cursor = structuredClone(start);
    } else {
      // From now: the current run, with every transcript line so far counted as sent.
      const run = await store.get(id);
      const phases = await Promise.all(
        Array.from({ length: file.agents }, async (_, i) => agentPhase(await store.agentFiles(id, i))),
      );
      const lines = await Promise.all(readers.map((r) => r.skip(Number.MAX_SAFE_INTEGER)));
      cursor = {
        agents: phases.map((p, i) => ({ lines: lines[i] ?? 0, phase: p.phase, rev: p.rev })),
        done: false,
      };
      // A run that is already over gets its final event now; its transcripts are complete.
      if (isFinalRunStatus(run.status) && phases.every((p) => p.phase === 3)) cursor.done = true;
      yield { event: 'run', id: encodeCursor(cursor), data: run };
      if (cursor.done) return;
    }

    while (!signal.aborted) {
      for (let i = 0; i < file.agents; i++) {
        const pos = cursor.agents[i]!;
        if (pos.phase === 3) continue;
        // The agent's files before its transcript: a result means the transcript is complete.
        const files = await store.agentFiles(id, i);
        for (;;) {
          const lines = await readers[i]!.read(BATCH_LINES);
          for (const line of lines) {
            pos.lines += 1;
            yield {
              event: 'message',
              id: encodeCursor(cursor),
              data: { agent: i, seq: pos.lines, message: parseTranscriptLine(line) },
            };
          }
          if (lines.length < BATCH_LINES) break;
        }
        const now = agentPhase(files);
        if (now.phase > pos.phase || (now.phase === pos.phase && now.rev > pos.rev)) {
          pos.phase = now.phase;
          pos.rev = now.rev;
          yield { event: 'agent', id: encodeCursor(cursor), data: buildAgent(file, i, files) };
        }
      }
      if (cursor.agents.every((a) => a.phase === 3)) {
        cursor.done = true;
        yield { event: 'run', id: encodeCursor(cursor), data: await store.get(id) };
        return;
      }
      await wake.wait(POLL_MS);
    }
  } finally {
    wake.close();
  }
}

/** Resolves a wait early when anything changes in the watched folders (inotify on Linux). */
class Wakeup {
  private watchers: FSWatcher[] = [];
  private pending = false;
  private resolve: (() => void) | null = null;

  constructor(dirs: string[]) {
    for (const dir of dirs) {
      try {
        const w = watch(dir, { persistent: false }, () => this.fire());
        w.on('error', () => undefined);
        this.watchers.push(w);
      } catch {
        // A folder that cannot be watched is still polled.
      }
    }
  }

  private fire(): void {
    this.pending = true;
    this.resolve?.();
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.resolve = null;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.resolve = done;
    });
  }

  close(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    this.resolve?.();
  }
}
