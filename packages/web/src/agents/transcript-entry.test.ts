import { describe, expect, it } from 'vitest';
import { mergeEntries, parseTranscript } from './transcript-entry';

describe('parseTranscript', () => {
  it('numbers lines from 1 and skips blank or partial ones', () => {
    const text = '{"type":"a"}\n\n{"type":"c"}\n{"type":';
    expect(parseTranscript(text)).toEqual([
      { seq: 1, message: { type: 'a' } },
      { seq: 3, message: { type: 'c' } },
    ]);
    expect(parseTranscript('{"n":1}\n')).toEqual([{ seq: 1, message: { n: 1 } }]);
    expect(parseTranscript('')).toEqual([]);
  });
});

describe('mergeEntries', () => {
  it('keeps each line once, in order, whichever source brought it first', () => {
    const fromFile = [
      { seq: 1, message: 'a' },
      { seq: 2, message: 'b' },
    ];
    const live = [
      { seq: 2, message: 'b (stream)' },
      { seq: 3, message: 'c' },
    ];
    expect(mergeEntries(fromFile, live)).toEqual([
      { seq: 1, message: 'a' },
      { seq: 2, message: 'b' },
      { seq: 3, message: 'c' },
    ]);
    expect(mergeEntries(live, fromFile).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('appends one new line cheaply and ignores a repeated one', () => {
    const current = [{ seq: 1, message: 'a' }];
    expect(mergeEntries(current, [{ seq: 2, message: 'b' }])).toHaveLength(2);
    expect(mergeEntries(current, [{ seq: 1, message: 'again' }])).toEqual(current);
    expect(mergeEntries(current, [])).toBe(current);
  });
});
