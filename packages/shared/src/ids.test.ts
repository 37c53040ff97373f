import { describe, expect, it } from 'vitest';
import { isRunId, newRunId, runIdTime } from './ids.js';

describe('run ids', () => {
  it('are sortable by creation time and match the strict pattern', () => {
    const a = newRunId(1_700_000_000_000);
    const b = newRunId(1_700_000_000_001);
    expect(isRunId(a)).toBe(true);
    expect(a < b).toBe(true);
    expect(runIdTime(a)).toBe(1_700_000_000_000);
    expect(`run-${a}-agent-15`.length).toBeLessThanOrEqual(63);
  });
  it('refuses anything else', () => {
    for (const bad of ['', '../x', 'A'.repeat(26), 'u'.repeat(26), `${newRunId(1)}x`, 'run-1']) {
      expect(isRunId(bad), bad).toBe(false);
    }
  });
});
