import { runPaths, type Run } from '@fanout/shared';
import type { OrchestratorProcess, ScriptedModel } from '@fanout/test-utils';
import { createParser } from 'eventsource-parser';
import { checkFanoutRun, timedFanoutRun } from './fanout-run.js';
import { watchLines, type LineWatcher } from './line-watcher.js';
import { latency, type Latency } from './stats.js';

export interface LiveLatencyResult {
  agents: number;
  /** Milliseconds from a transcript line appearing on disk to the SSE client receiving it as a `message`. */
  latencyMs: Latency;
}

interface Received {
  agent: number;
  seq: number;
  t: bigint;
}

/** Reads a run's event stream from now on, stamping every `message` event with its arrival time. */
async function followEvents(url: string, signal: AbortSignal): Promise<{ done: Promise<Received[]> }> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal });
  if (response.status !== 200 || !response.body) throw new Error(`events: HTTP ${response.status}`);
  const received: Received[] = [];
  let arrived = 0n;
  let finished = false;
  const parser = createParser({
    onEvent(event) {
      if (event.event === 'message') {
        const data = JSON.parse(event.data) as { agent: number; seq: number };
        received.push({ agent: data.agent, seq: data.seq, t: arrived });
      } else if (
        event.event === 'run' &&
        ['succeeded', 'failed', 'partial', 'cancelled'].includes((JSON.parse(event.data) as Run).status)
      ) {
        finished = true;
      }
    },
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      arrived = process.hrtime.bigint();
      parser.feed(decoder.decode(value, { stream: true }));
    }
    if (!finished) throw new Error('events: the stream ended without a final run event');
    return received;
  })();
  return { done };
}

/**
 * Live latency: one run with an SSE client following it from its start. A watcher thread stamps each
 * transcript line when it appears on disk (inotify on the agent's folder); the client stamps each `message`
 * event when its bytes arrive; both on the same monotonic clock. Every line must arrive exactly once, in
 * order, and the stream must end with the run's final event.
 */
export async function measureLiveLatency(
  o: OrchestratorProcess,
  model: ScriptedModel,
  agents: number,
): Promise<LiveLatencyResult> {
  const abort = new AbortController();
  let events: Promise<Received[]> | null = null;
  let watcher: LineWatcher | null = null;
  try {
    const timed = await timedFanoutRun(o, agents, undefined, async (run) => {
      const paths = runPaths(o.storage, run.id);
      watcher = await watchLines(run.agents.map((a) => paths.agent(a.index).transcript));
      events = (await followEvents(`${o.url}/api/runs/${run.id}/events`, abort.signal)).done;
    });
    checkFanoutRun(o.storage, timed.run, model);
    const received = await events!;
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
    return { agents, latencyMs: latency(samples) };
  } finally {
    abort.abort();
    await (watcher as LineWatcher | null)?.close().catch(() => undefined);
  }
}
