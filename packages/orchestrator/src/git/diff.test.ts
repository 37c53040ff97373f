import { describe, expect, it } from 'vitest';
import { parseNumstat } from './diff.js';

describe('parseNumstat', () => {
  it('sums text files and counts binary files', () => {
    expect(parseNumstat('3\t1\ta.ts\n10\t0\tb/c.md\n-\t-\timg.png\n')).toEqual({
      files: 3,
      insertions: 13,
      deletions: 1,
    });
    expect(parseNumstat('')).toEqual({ files: 0, insertions: 0, deletions: 0 });
  });
});
