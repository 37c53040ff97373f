import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonAtomic, writeJsonOnce } from './atomic-file.js';

describe('atomic files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-files-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('replaces a file and leaves no temp files behind', async () => {
    const path = join(dir, 'state.json');
    await writeJsonAtomic(path, { rev: 1 });
    await writeJsonAtomic(path, { rev: 2 });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ rev: 2 });
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('writes once: the first writer wins', async () => {
    const path = join(dir, 'result.json');
    const wins = await Promise.all([1, 2, 3].map((n) => writeJsonOnce(path, { writer: n })));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const winner = wins.indexOf(true) + 1;
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ writer: winner });
    expect(await writeJsonOnce(path, { writer: 4 })).toBe(false);
    expect(await readdir(dir)).toEqual(['result.json']);
  });
});
