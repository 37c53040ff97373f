import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TranscriptReader, parseTranscriptLine } from './transcript-reader.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fanout-transcript-'));
  path = join(dir, 'transcript.ndjson');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TranscriptReader', () => {
  it('reads nothing from a missing file', async () => {
    expect(new TranscriptReader(path).read()).toEqual([]);
  });

  it('returns lines read past `max` on the next call, even when the file has not grown', async () => {
    await writeFile(path, '1\n2\n3\n4\n');
    const reader = new TranscriptReader(path);
    expect(reader.skip(2)).toBe(2);
    expect(reader.read(1)).toEqual(['3']);
    expect(reader.read()).toEqual(['4']);
    expect(reader.read()).toEqual([]);
  });

  it('leaves a line without its newline for later', async () => {
    await writeFile(path, '{"a":1}\n{"b":');
    const reader = new TranscriptReader(path);
    expect(reader.read()).toEqual(['{"a":1}']);
    await appendFile(path, '2}\n');
    expect(reader.read()).toEqual(['{"b":2}']);
  });

  it('skip reports how many lines there were', async () => {
    await writeFile(path, 'a\nb\n');
    expect(new TranscriptReader(path).skip(5)).toBe(2);
  });

  it('keeps multi-byte characters split across reads whole', async () => {
    const long = 'é'.repeat(200_000);
    await writeFile(path, `${long}\nx\n`);
    expect(new TranscriptReader(path).read()).toEqual([long, 'x']);
  });
});

describe('parseTranscriptLine', () => {
  it('passes a damaged line on as text', () => {
    expect(parseTranscriptLine('{"type":"x"}')).toEqual({ type: 'x' });
    expect(parseTranscriptLine('{oops')).toEqual({ type: 'unparseable', raw: '{oops' });
  });
});
