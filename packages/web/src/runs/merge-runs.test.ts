import { describe, expect, it } from 'vitest';
import { makeRun } from '../testing/run-fixtures';
import { mergeRuns } from './merge-runs';

const run = (id: string, status: 'running' | 'succeeded' = 'running') => makeRun(1, { id, status });

describe('mergeRuns', () => {
  it('replaces runs by id, adds new ones, and keeps newest first', () => {
    const current = [run('03'), run('02'), run('01')];
    const merged = mergeRuns(current, [run('04'), run('02', 'succeeded')]);
    expect(merged.map((r) => r.id)).toEqual(['04', '03', '02', '01']);
    expect(merged[2]?.status).toBe('succeeded');
  });

  it('appends an older page', () => {
    expect(mergeRuns([run('05'), run('04')], [run('03'), run('02')]).map((r) => r.id)).toEqual([
      '05',
      '04',
      '03',
      '02',
    ]);
  });
});
