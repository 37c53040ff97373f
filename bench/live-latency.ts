import { isFinalRunStatus, runPaths, type Run } from '@fanout/shared';
import type { OrchestratorProcess, ScriptedModel } from '@fanout/test-utils';
import { Worker } from 'node:worker_threads';
import { createParser } from 'eventsource-parser';
import { checkFanoutRun, timedFanoutRun } from './fanout-run.js';
import { watchLines, type LineWatcher } from './line-watcher.js';
import { latency, type Latency } from './stats.js';

export interface LiveLatencyResult {
  agents: number;
  /** Runs whose messages are pooled: one run of 8 agents has 88, so its p99 is its slowest message. */
  runs: number;
  /** Milliseconds from a transcript line appearing on disk to the SSE client receiving it as a `message`. */
  latencyMs: Latency;
}

interface Received {
  agent: number;
  seq: number;
  t: bigint;
}

/**
 * The SSE client runs on a thread of its own, like a browser tab in a process of its own: on the bench's
 * main thread it would wait behind the scripted model, which answers every agent from there. It stamps
 * each chunk as it arrives; the main thread parses them afterwards.
 */
const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const chunks = [];
const request = http.get(workerData.url, { headers: { accept: 'text/event-stream' } }, (response) => {
  if (response.statusCode !== 200) {
    parentPort.postMessage({ error: 'events: HTTP ' + response.statusCode });
    response.resume();
    return;
  }
  parentPort.postMessage({ open: true });
  response.on('data', (data) => chunks.push({ t: process.hrtime.bigint(), data: data.toString('latin1') }));
  response.on('end', () => parentPort.postMessage({ chunks }));
  response.on('error', (error) => parentPort.postMessage({ error: String(error) }));
});
request.on('error', (error) => parentPort.postMessage({ error: String(error) }));
parentPort.on('message', () => request.destroy());
`;

interface Chunk {
  t: bigint;
  data: string;
}

/** Reads a run's event stream from now on, stamping every `message` event with its arrival time. */
async function followEvents(url: string): Promise<{ done: Promise<Received[]>; stop(): void }> {
  const worker = new Worker(CLIENT_SOURCE, { eval: true, workerData: { url } });
  const chunks = new Promise<Chunk[]>((resolve, reject) => {
    worker.on('message', (m: { open?: true; chunks?: Chunk[]; error?: string }) => {
      if (m.error) reject(new Error(m.error));
      if (m.chunks) resolve(m.chunks);
    });
    worker.once('error', reject);
    worker.once('exit', () => reject(new Error('events: the client stopped before the stream ended')));
  });
  chunks.catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { open?: true }) => m.open && resolve());
    chunks.catch(reject);
  });
  const done = chunks.then((all) => {
    void worker.terminate();
    const received: Received[] = [];
    let arrived = 0n;
    let finished = false;
    const parser = createParser({
      onEvent(event) {
        if (event.event === 'message') {
          const data = JSON.parse(event.data) as { agent: number; seq: number };
          received.push({ agent: data.agent, seq: data.seq, t: arrived });
        } else if (event.event === 'run' && isFinalRunStatus((JSON.parse(event.data) as Run).status)) {
          finished = true;
        }
      },
    });
    const decoder = new TextDecoder();
    for (const chunk of all) {
      arrived = chunk.t;
      parser.feed(decoder.decode(Buffer.from(chunk.data, 'latin1'), { stream: true }));
    }
    if (!finished) throw new Error('events: the stream ended without a final run event');
    return received;
  });
  return { done, stop: () => worker.postMessage('stop') };
}

/**
 * The latencies of one run with an SSE client following it from its start. A watcher thread stamps each
 * transcript line when it appears on disk (inotify on the agent's folder); the client stamps each `message`
 * event when its bytes arrive; both on the same monotonic clock. Every line must arrive exactly once, in
 * order, and the stream must end with the run's final event.
 */
async function liveRunSamples(
  o: OrchestratorProcess,
  model: ScriptedModel,
  agents: number,
): Promise<number[]> {
  let client: { done: Promise<Received[]>; stop(): void } | null = null;
  let watcher: LineWatcher | null = null;
  try {
    const timed = await timedFanoutRun(o, agents, undefined, async (run) => {
      const paths = runPaths(o.storage, run.id);
      watcher = await watchLines(run.agents.map((a) => paths.agent(a.index).transcript));
      client = await followEvents(`${o.url}/api/runs/${run.id}/events`);
    });
    checkFanoutRun(o.storage, timed.run, model);
    const received = await client!.done;
    await watcher!.close();
    const written = watcher!.times;
    const samples: number[] = [];
    for (let agent = 0; agent < agents; agent++) {
      const seqs = received.filter((r) => r.agent === agent).map((r) => r.seq);
      const lines = written[agent]!;
      if (lines.length === 0 || seqs.join(',') !== lines.map((_, i) => i + 1).join(',')) {
        throw new Error(
          `live: agent-${agent} wrote ${lines.length} lines; the client got seq [${seqs.join(',')}]`,
        );
      }
    }
    for (const r of received) samples.push(Number(r.t - written[r.agent]![r.seq - 1]!) / 1e6);
    return samples;
  } finally {
    (client as { stop(): void } | null)?.stop();
    await (watcher as LineWatcher | null)?.close().catch(() => undefined);
  }
}

/** Live latency over `runs` runs of `agents` agents, one after another, their messages pooled. */
export async function measureLiveLatency(
  o: OrchestratorProcess,
  model: ScriptedModel,
  agents: number,
  runs = 1,
): Promise<LiveLatencyResult> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(...(await liveRunSamples(o, model, agents)));
  return { agents, runs, latencyMs: latency(samples) };
}
