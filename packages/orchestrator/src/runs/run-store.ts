import { access, readdir, stat } from 'node:fs/promises';
import {
  FanoutError,
  cancelFileSchema,
  isFinalRunStatus,
  isRunId,
  launchFileSchema,
  resultFileSchema,
  runFileSchema,
  runPaths,
  stateFileSchema,
  type Run,
  type RunFile,
} from '@fanout/shared';
import { readJsonFile, readJsonFileSync } from '../storage/read-json-file.js';
import { buildAgent, buildRun, type AgentFiles } from './build-run.js';

const RUN_DIR_PATTERN = /^run-([0-9a-hjkmnp-tv-z]{26})$/;
const CACHE_LIMIT = 10_000;
/**
 * A listing of the storage folder is reused while the folder's mtime stays the same, but only when it was
 * read this long after the folder last changed: file times are coarse (a clock tick, up to a second on
 * some file systems), so a change in the same tick as the one before would leave the mtime as it was.
 */
const LISTING_SETTLE_MS = 2_000;

/**
 * Reads runs from the run directory, the only truth. Finished runs never change again, so they are
 * kept in memory; unfinished ones are read afresh every time.
 */
export class RunStore {
  private readonly finished = new Map<string, Run>();
  private readonly runFiles = new Map<string, RunFile>();
  private listing: { mtimeNs: bigint; ids: string[] } | null = null;

  constructor(readonly storage: string) {}

  paths(id: string) {
    return runPaths(this.storage, id);
  }

  /** The run's `run.json`; throws run_not_found for any id that does not name an existing run. */
  async runFile(id: string): Promise<RunFile> {
    const cached = this.runFiles.get(id);
    if (cached) return cached;
    if (!isRunId(id)) throw runNotFound(id);
    const file = await readJsonFile(this.paths(id).runJson, runFileSchema);
    if (!file) throw runNotFound(id);
    if (this.runFiles.size >= CACHE_LIMIT) this.runFiles.clear();
    this.runFiles.set(id, file);
    return file;
  }

  async agentFiles(id: string, index: number): Promise<AgentFiles> {
    const p = this.paths(id).agent(index);
    // The result first: once it exists, the state and transcript are complete.
    const result = await readJsonFile(p.result, resultFileSchema);
    // A finished agent is built from its result (and state); its launch record no longer matters.
    const [state, launch] = await Promise.all([
      readJsonFile(p.state, stateFileSchema),
      result ? null : readJsonFile(p.launch, launchFileSchema),
    ]);
    return { launch, state, result };
  }

  /** `agentFiles` read synchronously, for a live stream (see `readJsonFileSync`); in the same order. */
  agentFilesSync(id: string, index: number): AgentFiles {
    const p = this.paths(id).agent(index);
    const result = readJsonFileSync(p.result, resultFileSchema);
    const state = readJsonFileSync(p.state, stateFileSchema);
    return { launch: result ? null : readJsonFileSync(p.launch, launchFileSchema), state, result };
  }

  async cancelRequested(id: string): Promise<boolean> {
    return (await readJsonFile(this.paths(id).cancel, cancelFileSchema)) !== null;
  }

  async get(id: string): Promise<Run> {
    const done = this.finished.get(id);
    if (done) return done;
    const file = await this.runFile(id);
    const [cancel, agents] = await Promise.all([
      this.cancelRequested(id),
      Promise.all(
        Array.from({ length: file.agents }, async (_, i) =>
          buildAgent(file, i, await this.agentFiles(id, i)),
        ),
      ),
    ]);
    const run = buildRun(file, cancel, agents);
    if (isFinalRunStatus(run.status)) {
      if (this.finished.size >= CACHE_LIMIT) this.finished.clear();
      this.finished.set(id, run);
    }
    return run;
  }

  /** Ids of every run on disk, newest first. A folder without run.json is a run still being created. */
  async ids(): Promise<string[]> {
    let names: string[];
    let mtimeNs: bigint;
    const readAt = Date.now();
    try {
      // Listing a thousand runs costs milliseconds on every GET /api/runs; one stat says if it changed.
      mtimeNs = (await stat(this.storage, { bigint: true })).mtimeNs;
      if (this.listing?.mtimeNs === mtimeNs) return [...this.listing.ids];
      names = await readdir(this.storage);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const ids = names
      .flatMap((n) => RUN_DIR_PATTERN.exec(n)?.[1] ?? [])
      .sort()
      .reverse();
    const settled = readAt - Number(mtimeNs / 1_000_000n) > LISTING_SETTLE_MS;
    this.listing = settled ? { mtimeNs, ids } : null;
    return [...ids];
  }

  /** One page of runs, newest first, after `cursor` (the id of the last run of the previous page). */
  async list(limit: number, cursor: string | null): Promise<{ runs: Run[]; nextCursor: string | null }> {
    let ids = await this.ids();
    if (cursor) ids = ids.filter((id) => id < cursor);
    const runs: Run[] = [];
    let next = 0;
    let last: string | null = null;
    // Runs that cannot be read (being created, or damaged) are left out without shortening the page.
    while (runs.length < limit && next < ids.length) {
      const batch = ids.slice(next, next + limit - runs.length);
      next += batch.length;
      const got = await Promise.all(batch.map((id) => this.get(id).catch(() => null)));
      got.forEach((run, j) => {
        last = batch[j] ?? last;
        if (run) runs.push(run);
      });
    }
    return { runs, nextCursor: next < ids.length ? last : null };
  }

  /** Whether a run folder exists at all (even one still being created). */
  async exists(id: string): Promise<boolean> {
    return access(this.paths(id).root).then(
      () => true,
      () => false,
    );
  }
}

export function runNotFound(id: string): FanoutError {
  return new FanoutError('run_not_found', `no run with id ${JSON.stringify(id.slice(0, 100))}`);
}
