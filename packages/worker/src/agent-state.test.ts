import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZERO_USAGE, stateFileSchema } from '@fanout/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentStateWriter } from './agent-state.js';
import { createLogger } from './logger.js';

const progress = (numTurns: number) => ({
  numTurns,
  usage: ZERO_USAGE,
  costUsd: null,
  activity: `turn ${numTurns}`,
  model: 'm',
  sessionId: 's',
});

describe('AgentStateWriter', () => {
  let dir: string;
  let path: string;
  const read = async () => stateFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  const options = () => ({
    path,
    pid: 42,
    host: 'h',
    startedAt: new Date('2030-01-01T00:00:00Z'),
    model: 'm',
    clock: () => new Date(),
    log: createLogger({}, () => undefined),
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-state-'));
    path = join(dir, 'state.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes at start, throttles updates and raises rev with every write', async () => {
    const writer = await AgentStateWriter.start({ ...options(), minIntervalMs: 200, heartbeatMs: 60_000 });
    expect(await read()).toMatchObject({
      rev: 1,
      pid: 42,
      activity: 'Starting',
      startedAt: '2030-01-01T00:00:00.000Z',
    });
    writer.update(progress(1)); // within 200 ms of the first write: held back, then written once
    writer.update(progress(2));
    writer.update(progress(3));
    await expect.poll(read).toMatchObject({ numTurns: 3 });
    const { rev } = await read();
    expect(rev).toBeLessThanOrEqual(3);
    writer.stop({ ...progress(4), activity: null });
    expect(await read()).toMatchObject({ rev: rev + 1, numTurns: 4, activity: null });
    writer.update(progress(5));
    await new Promise((r) => setTimeout(r, 300));
    expect((await read()).numTurns).toBe(4);
  });

  it('beats every heartbeat interval and goes on from an earlier rev', async () => {
    await writeFile(path, JSON.stringify({ ...(await startAndStop()), rev: 41 }));
    const writer = await AgentStateWriter.start({ ...options(), heartbeatMs: 50 });
    expect((await read()).rev).toBe(42);
    await expect.poll(async () => (await read()).rev).toBeGreaterThanOrEqual(44);
    writer.stop();
  });

  async function startAndStop() {
    const writer = await AgentStateWriter.start(options());
    writer.stop();
    return read();
  }
});
