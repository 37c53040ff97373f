import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newRunId } from '@fanout/shared';
import { RunStore } from './run-store.js';

describe('RunStore.ids', () => {
  let storage: string;
  beforeEach(async () => {
    storage = await mkdtemp(join(tmpdir(), 'run-store-'));
  });
  afterEach(() => rm(storage, { recursive: true, force: true }));

  const addRun = async (ms: number) => {
    const id = newRunId(ms);
    await mkdir(join(storage, `run-${id}`));
    return id;
  };

  it('lists run folders newest first, and sees a new one at once', async () => {
    const store = new RunStore(storage);
    const a = await addRun(1_000);
    expect(await store.ids()).toEqual([a]);
    const b = await addRun(2_000);
    await mkdir(join(storage, 'not-a-run'));
    expect(await store.ids()).toEqual([b, a]);
  });

  it('reuses a listing of a folder that has not changed, and reads it again once it has', async () => {
    const store = new RunStore(storage);
    const a = await addRun(1_000);
    const past = new Date(Date.now() - 60_000);
    await utimes(storage, past, past);
    expect(await store.ids()).toEqual([a]);
    const listed = await store.ids();
    listed.pop();
    expect(await store.ids()).toEqual([a]);
    const b = await addRun(2_000);
    expect(await store.ids()).toEqual([b, a]);
  });

  it('has no runs before the storage folder exists', async () => {
    expect(await new RunStore(join(storage, 'missing')).ids()).toEqual([]);
  });
});
