import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Run, RunList } from '@fanout/shared';
import { startOrchestratorProcess, type OrchestratorProcess } from '@fanout/test-utils';
import { writeFakeRuns } from './fake-runs.js';
import { httpClient } from './http-get.js';
import type { BenchSettings } from './settings.js';
import { latency, spread, type Latency, type Spread } from './stats.js';

export interface ApiScaleResult {
  runs: number;
  /** From spawning the orchestrator until it listens, and until its first `GET /api/runs` is answered. */
  listenMs: Spread;
  firstListMs: Spread;
  /** Until it has looked at every run on disk (its "runs on disk checked" log line). */
  adoptedMs: Spread;
  /** Latencies once it has started (ms); `/healthz` shows what the machine itself adds. */
  health: Latency;
  listFirstPage: Latency;
  listAllPages: Latency;
  getOne: Latency;
}

type Client = ReturnType<typeof httpClient>;

async function timed(client: Client, path: string): Promise<{ ms: number; json: unknown }> {
  const response = await client.get(path);
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${response.body}`);
  return { ms: response.ms, json: JSON.parse(response.body) as unknown };
}

/** Waits for the orchestrator's log line that says every run on disk was looked at. */
async function waitForAdoption(o: OrchestratorProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!o.log().includes('runs on disk checked')) {
    if (Date.now() > deadline) throw new Error('the orchestrator did not finish looking at the runs on disk');
    await sleep(5);
  }
}

/**
 * The API with `fakeRuns` finished runs on disk: start-up time (several start-ups, warm file cache), then
 * `GET /api/runs` (first page, and every page by cursor) and `GET /api/runs/:id` latencies, one request at
 * a time, once start-up is over. Checks that every run is listed once, newest first.
 */
export async function measureApiAtScale(settings: BenchSettings, tmp: string): Promise<ApiScaleResult> {
  const storage = join(tmp, 'api-runs');
  await writeFakeRuns(storage, settings.fakeRuns);
  const listen: number[] = [];
  const firstList: number[] = [];
  const adopted: number[] = [];
  let result: Omit<ApiScaleResult, 'listenMs' | 'firstListMs' | 'adoptedMs'> | null = null;
  for (let k = 0; k < settings.startups; k++) {
    const start = performance.now();
    const o = await startOrchestratorProcess({ storage, env: { FANOUT_WEB_ROOT: '' } });
    const client = httpClient(o.url);
    try {
      listen.push(performance.now() - start);
      await timed(client, '/api/runs');
      firstList.push(performance.now() - start);
      await waitForAdoption(o);
      adopted.push(performance.now() - start);
      if (k === settings.startups - 1) result = await measureLatencies(client, settings);
    } finally {
      client.close();
      await o.stop();
    }
  }
  return { ...result!, listenMs: spread(listen), firstListMs: spread(firstList), adoptedMs: spread(adopted) };
}

async function measureLatencies(
  client: Client,
  settings: BenchSettings,
): Promise<Omit<ApiScaleResult, 'listenMs' | 'firstListMs' | 'adoptedMs'>> {
  // Every page, by cursor: also the check that all runs are there, once each, newest first.
  const allPages: number[] = [];
  let ids: string[] = [];
  while (allPages.length < settings.apiRequests) {
    ids = [];
    let cursor: string | null = null;
    do {
      const page: { ms: number; json: unknown } = await timed(
        client,
        `/api/runs${cursor ? `?cursor=${cursor}` : ''}`,
      );
      allPages.push(page.ms);
      const list = page.json as RunList;
      ids.push(...list.runs.map((r) => r.id));
      cursor = list.nextCursor;
    } while (cursor);
    const sorted = [...ids].sort().reverse();
    if (
      ids.length !== settings.fakeRuns ||
      new Set(ids).size !== ids.length ||
      ids.join() !== sorted.join()
    ) {
      throw new Error(
        `GET /api/runs listed ${ids.length} runs (${new Set(ids).size} distinct), not ${settings.fakeRuns} newest first`,
      );
    }
  }
  const health: number[] = [];
  for (let i = 0; i < settings.apiRequests; i++) health.push((await timed(client, '/healthz')).ms);
  const firstPage: number[] = [];
  for (let i = 0; i < settings.apiRequests; i++) firstPage.push((await timed(client, '/api/runs')).ms);
  const one: number[] = [];
  for (let i = 0; i < settings.apiRequests; i++) {
    const id = ids[(i * 7919) % ids.length]!;
    const got = await timed(client, `/api/runs/${id}`);
    if ((got.json as Run).id !== id) throw new Error(`GET /api/runs/${id} answered another run`);
    one.push(got.ms);
  }
  return {
    runs: settings.fakeRuns,
    health: latency(health),
    listFirstPage: latency(firstPage),
    listAllPages: latency(allPages),
    getOne: latency(one),
  };
}
