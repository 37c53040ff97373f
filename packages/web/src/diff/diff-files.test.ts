import { describe, expect, it } from 'vitest';
import { HELLO_DIFF, OTHER_DIFF } from '../testing/diff-fixtures';
import { diffTotals, pairFiles, parseDiffFiles } from './diff-files';

describe('parseDiffFiles', () => {
  it('lists files with their type and +/− counts', () => {
    const files = parseDiffFiles(HELLO_DIFF);
    expect(
      files.map(({ path, type, additions, deletions }) => ({ path, type, additions, deletions })),
    ).toEqual([
      { path: 'hello.ts', type: 'add', additions: 2, deletions: 0 },
      { path: 'README.md', type: 'modify', additions: 1, deletions: 1 },
    ]);
    expect(diffTotals(files)).toEqual({ files: 2, additions: 3, deletions: 1 });
  });

  it('names a deleted file by its old path and has no files for an empty diff', () => {
    expect(parseDiffFiles(OTHER_DIFF)[1]).toMatchObject({ path: 'notes.txt', type: 'delete', deletions: 1 });
    expect(parseDiffFiles('')).toEqual([]);
    expect(parseDiffFiles('\n')).toEqual([]);
  });
});

describe('pairFiles', () => {
  it('lines up two diffs by path and spots identical changes', () => {
    const pairs = pairFiles(parseDiffFiles(HELLO_DIFF), parseDiffFiles(OTHER_DIFF));
    expect(pairs.map((p) => [p.path, p.a !== null, p.b !== null, p.same])).toEqual([
      ['hello.ts', true, false, false],
      ['notes.txt', false, true, false],
      ['README.md', true, true, true],
    ]);
  });
});
