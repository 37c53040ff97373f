import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPaths, type Run } from '@fanout/shared';
import {
  TEST_MODEL,
  api,
  claudeEnvFor,
  readEvents,
  scriptByPrompt,
  steps,
  startOrchestratorProcess,
  startScriptedModel,
  waitForRun,
  type OrchestratorProcess,
  type ReceivedEvent,
  type ScriptedModel,
  type Step,
} from '@fanout/test-utils';
import { changedFiles, gitIn } from './git-inspect.js';
import { claudeAgentProcess, killAll, processesUnder, until } from './processes.js';

const { write, commit } = steps;

/** Each test names its script in the prompt; the model server serves them all. */
const scripts: Record<string, (agent: number) => Step[]> = {
  slow: (i) => [write(`work-${i}.txt`, `work of agent ${i}\n`), { kind: 'hang', ms: 120_000 }],
  brief: (i) => [
    write(`brief-${i}.txt`, `brief ${i}\n`),
    commit(`brief ${i}`, 4_000),
    { kind: 'text', text: 'done' },
  ],
  chatty: (i) => [
    write(`a-${i}.txt`, 'a\n'),
    write(`b-${i}.txt`, 'b\n'),
    { ...write(`c-${i}.txt`, 'c\n'), delayMs: 1_500 },
    commit(`chatty ${i}`),
    { kind: 'text', text: 'done' },
  ],
};

let model: ScriptedModel;
const started: OrchestratorProcess[] = [];
let storage: string;

async function orchestrator(): Promise<OrchestratorProcess> {
  const o = await startOrchestratorProcess({
    ...(storage ? { storage } : {}),
    env: { ...claudeEnvFor(model), FANOUT_KILL_GRACE_SECONDS: '5' },
  });
  storage ??= o.storage;
  started.push(o);
  return o;
}

beforeAll(async () => {
  model = await startScriptedModel({ script: scriptByPrompt(scripts) });
});

afterAll(async () => {
  for (const o of started.reverse()) await o.stop('SIGKILL');
  if (storage) killAll(storage);
  await started[0]?.close();
  await model?.close();
});

async function create(base: string, prompt: string, agents: number): Promise<Run> {
  const response = await api<Run>(base, 'POST', '/api/runs', { prompt, agents, model: TEST_MODEL });
  expect(response.status, response.text).toBe(201);
  return response.json;
}

function filesWritten(run: Run, name: (i: number) => string) {
  return () =>
    run.agents.every((a) => existsSync(join(runPaths(storage, run.id).worktree(a.index), name(a.index))));
}

describe('run lifecycle', () => {
  it('cancel during a slow run: every agent cancelled within seconds, its work committed', async () => {
    const o = await orchestrator();
    const run = await create(o.url, '[slow] write and think for long', 3);
    await until(
      filesWritten(run, (i) => `work-${i}.txt`),
      90_000,
      'agents to write their files',
    );
    const cancel = await api<Run>(o.url, 'POST', `/api/runs/${run.id}/cancel`);
    expect(cancel.status).toBe(202);
    expect(cancel.json.cancelRequested).toBe(true);
    const stoppedAt = Date.now();
    const done = await waitForRun(o.url, run.id, undefined, 30_000);
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    expect(done.status).toBe('cancelled');
    const repo = runPaths(storage, run.id).repo;
    for (const agent of done.agents) {
      expect(agent.status).toBe('cancelled');
      expect(agent.error?.code).toBe('cancelled');
      expect(changedFiles(repo, `main..agent-${agent.index}`)).toEqual([`work-${agent.index}.txt`]);
      expect(gitIn(repo, 'log', '-1', '--format=%an %s', `agent-${agent.index}`)).toMatch(
        /^fanout fanout: .*cancel/,
      );
    }
    expect(processesUnder(runPaths(storage, run.id).root)).toEqual([]);
    const again = await api(o.url, 'POST', `/api/runs/${run.id}/cancel`);
    expect(again.status).toBe(409);
  });

  it('Claude Code killed mid-run: what it wrote is committed, the agent failed with a clear error', async () => {
    const o = await orchestrator();
    const run = await create(o.url, '[slow] write and think for long', 1);
    const worktree = runPaths(storage, run.id).worktree(0);
    await until(
      filesWritten(run, (i) => `work-${i}.txt`),
      90_000,
      'the agent to write its file',
    );
    const claude = await until(() => claudeAgentProcess(worktree), 10_000, 'the Claude Code process');
    process.kill(claude.pid, 'SIGKILL');
    const done = await waitForRun(o.url, run.id, undefined, 60_000);
    const agent = done.agents[0]!;
    expect(agent.status).toBe('failed');
    expect(agent.error?.code).toBe('agent_crashed');
    expect(agent.error?.message).toMatch(/SIGKILL|terminated|exited/i);
    expect(changedFiles(runPaths(storage, run.id).repo, 'main..agent-0')).toEqual(['work-0.txt']);
  });

  it('the orchestrator is killed mid-run and started again: the run reaches its right final status', async () => {
    const first = await orchestrator();
    const run = await create(first.url, '[brief] write, think, commit', 2);
    await until(
      filesWritten(run, (i) => `brief-${i}.txt`),
      90_000,
      'agents to write their files',
    );
    await first.stop('SIGKILL');
    const second = await orchestrator();
    const done = await waitForRun(second.url, run.id, undefined, 90_000);
    expect(done.status).toBe('succeeded');
    const repo = runPaths(storage, run.id).repo;
    for (const agent of done.agents) {
      expect(gitIn(repo, 'log', '-1', '--format=%an', `agent-${agent.index}`).trim()).toBe(
        `agent-${agent.index}`,
      );
    }
    await second.stop();
  });

  it('workers that died with the orchestrator are finished honestly on restart', async () => {
    const first = await orchestrator();
    const run = await create(first.url, '[slow] write and think for long', 2);
    await until(
      filesWritten(run, (i) => `work-${i}.txt`),
      90_000,
      'agents to write their files',
    );
    await first.stop('SIGKILL');
    killAll(runPaths(storage, run.id).root);
    await until(() => processesUnder(runPaths(storage, run.id).root).length === 0, 10_000, 'workers to die');
    const second = await orchestrator();
    const done = await waitForRun(second.url, run.id, undefined, 60_000);
    expect(done.status).toBe('failed');
    const repo = runPaths(storage, run.id).repo;
    for (const agent of done.agents) {
      expect(agent.status).toBe('failed');
      expect(agent.error?.code).toBe('worker_lost');
      expect(changedFiles(repo, `main..agent-${agent.index}`)).toEqual([`work-${agent.index}.txt`]);
    }
    await second.stop();
  });

  it('SSE: a client that reconnects with Last-Event-ID gets every event exactly once', async () => {
    const o = await orchestrator();
    const run = await create(o.url, '[chatty] write several files', 2);
    const url = `${o.url}/api/runs/${run.id}/events`;
    const received: ReceivedEvent[] = [];
    let lastId = '0';
    // Disconnect after every few events, then resume from the last id seen.
    for (let round = 0; round < 200; round++) {
      const { status, events } = await readEvents(url, {
        lastEventId: lastId,
        until: (_e, all) => all.length >= 3,
      });
      if (status === 204) break;
      expect(status).toBe(200);
      received.push(...events);
      lastId = events.at(-1)?.id ?? lastId;
      if (events.at(-1)?.event === 'run') {
        expect((await readEvents(url, { lastEventId: lastId })).status).toBe(204);
        break;
      }
    }
    const ids = received.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const finalRun = received.at(-1)!;
    expect(finalRun.event).toBe('run');
    expect((finalRun.data as Run).status).toBe('succeeded');

    const replay = await readEvents(url, { lastEventId: '0' });
    const messages = (events: ReceivedEvent[]) =>
      events.filter((e) => e.event === 'message').map((e) => JSON.stringify(e.data));
    // Agents interleave differently live and in a replay; each agent's own order is fixed.
    expect(messages(received).sort()).toEqual(messages(replay.events).sort());
    for (const agent of [0, 1]) {
      const seqs = received
        .filter((e) => e.event === 'message' && (e.data as { agent: number }).agent === agent)
        .map((e) => (e.data as { seq: number }).seq);
      expect(seqs).toEqual(seqs.map((_, k) => k + 1));
      const transcript = await api(o.url, 'GET', `/api/runs/${run.id}/agents/${agent}/transcript`);
      expect(seqs.length).toBe(transcript.text.trim().split('\n').length);
      const finals = received.filter(
        (e) =>
          e.event === 'agent' &&
          (e.data as { index: number; status: string }).index === agent &&
          (e.data as { status: string }).status === 'succeeded',
      );
      expect(finals).toHaveLength(1);
      const lastMessage = received.findLastIndex(
        (e) => e.event === 'message' && (e.data as { agent: number }).agent === agent,
      );
      expect(received.indexOf(finals[0]!)).toBeGreaterThan(lastMessage);
    }
    const bad = await api(o.url, 'GET', `/api/runs/${run.id}/events`, undefined, {
      'last-event-id': 'v1.999-1-0_0-0-0',
    });
    expect(bad.status).toBe(400);
    const live = await readEvents(url);
    expect(live.events.map((e) => e.event)).toEqual(['run']);
  });
});
