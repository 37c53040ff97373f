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

/** How often every agent's files are checked, change notices or not (other hosts' writes on a shared volume). */
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
      const have = readers[i]!.skip(want);
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
    Array.from({ length: file.agents }, (_, i) => paths.agent(i).dir),
    paths.meta,
  );
  signal.addEventListener('abort', () => wake.close(), { once: true });
  try {
    let cursor: StreamCursor;
    if (start) {
      cursor = structuredClone(start);
    } else {
      // From now: the current run, with every transcript line so far counted as sent.
      const run = await store.get(id);
      const phases = Array.from({ length: file.agents }, (_, i) => agentPhase(store.agentFilesSync(id, i)));
      const lines = readers.map((r) => r.skip(Number.MAX_SAFE_INTEGER));
      cursor = {
        agents: phases.map((p, i) => ({ lines: lines[i] ?? 0, phase: p.phase, rev: p.rev })),
        done: false,
      };
      // A run that is already over gets its final event now; its transcripts are complete.
      if (isFinalRunStatus(run.status) && phases.every((p) => p.phase === 3)) cursor.done = true;
      yield { event: 'run', id: encodeCursor(cursor), data: run };
      if (cursor.done) return;
    }

    // The first pass, and one every POLL_MS, looks at every agent; in between, only at agents whose
    // files changed, and at their transcript alone when nothing else did.
    let changes: Changes = 'all';
    let lastFullPass = 0;
    while (!signal.aborted) {
      if (changes === 'all') lastFullPass = Date.now();
      for (let i = 0; i < file.agents; i++) {
        const pos = cursor.agents[i]!;
        if (pos.phase === 3) continue;
        const change = changes === 'all' ? 'files' : changes.get(i);
        if (!change) continue;
        // The agent's files before its transcript: a result means the transcript is complete.
        const files = change === 'files' ? store.agentFilesSync(id, i) : null;
        for (;;) {
          const lines = readers[i]!.read(BATCH_LINES);
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
        if (!files) continue;
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
      changes = await wake.wait(Math.max(0, lastFullPass + POLL_MS - Date.now()));
    }
  } finally {
    wake.close();
  }
}

/** What changed in an agent's folder: its transcript only, or (also) its status files. */
type Change = 'transcript' | 'files';
/** Agents with changes since the last wait, or `all` when it is time to look at every agent. */
type Changes = Map<number, Change> | 'all';

/** Files of an agent's folder that the stream shows; the worker's log and temp files are not among them. */
const STATUS_FILES = new Set(['state.json', 'result.json', 'launch.json']);
const TRANSCRIPT_FILE = 'transcript.ndjson';

/**
 * Collects which agents' files changed, and resolves a wait early when one does (inotify on Linux). A
 * change notice without a file name counts as a change of everything in that folder.
 */
class Wakeup {
  private watchers: FSWatcher[] = [];
  private changes = new Map<number, Change>();
  private resolve: (() => void) | null = null;

  constructor(agentDirs: string[], metaDir: string) {
    agentDirs.forEach((dir, index) => {
      this.watch(dir, (name) => {
        if (name === TRANSCRIPT_FILE) this.mark(index, 'transcript');
        else if (name === null || STATUS_FILES.has(name)) this.mark(index, 'files');
      });
    });
    // meta/ itself: a cancel request, or an agent folder that came or went.
    this.watch(metaDir, () => agentDirs.forEach((_, i) => this.mark(i, 'files')));
  }

  private watch(dir: string, onChange: (name: string | null) => void): void {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => onChange(name ? String(name) : null));
      w.on('error', () => undefined);
      this.watchers.push(w);
    } catch {
      // A folder that cannot be watched is still polled.
    }
  }

  private mark(index: number, change: Change): void {
    if (this.changes.get(index) !== 'files') this.changes.set(index, change);
    this.resolve?.();
  }

  /** The changes since the last call, waiting up to `ms` for one; `all` once `ms` has run out. */
  wait(ms: number): Promise<Changes> {
    const take = (): Changes => {
      const changes = this.changes;
      this.changes = new Map();
      return changes;
    };
    if (ms <= 0) {
      this.changes = new Map();
      return Promise.resolve('all');
    }
    if (this.changes.size > 0) return Promise.resolve(take());
    return new Promise((resolve) => {
      const done = (changes: Changes) => {
        clearTimeout(timer);
        this.resolve = null;
        resolve(changes);
      };
      const timer = setTimeout(() => done('all'), ms);
      this.resolve = () => done(take());
    });
  }

  close(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    this.resolve?.();
  }
}
