import { describe, expect, it } from 'vitest';
import { deriveRunStatus } from './run.js';

describe('deriveRunStatus', () => {
  it('is queued until an agent starts', () => {
    expect(deriveRunStatus(['queued', 'queued'], false)).toBe('queued');
    expect(deriveRunStatus(['starting', 'queued'], false)).toBe('running');
  });
  it('is running while any agent is unfinished', () => {
    expect(deriveRunStatus(['succeeded', 'running'], false)).toBe('running');
    expect(deriveRunStatus(['cancelled', 'running'], true)).toBe('running');
  });
  it('once all are finished: succeeded, cancelled, failed, partial', () => {
    expect(deriveRunStatus(['succeeded', 'succeeded'], false)).toBe('succeeded');
    expect(deriveRunStatus(['succeeded', 'succeeded'], true)).toBe('succeeded');
    expect(deriveRunStatus(['succeeded', 'cancelled'], true)).toBe('cancelled');
    expect(deriveRunStatus(['failed', 'failed'], false)).toBe('failed');
    expect(deriveRunStatus(['failed', 'cancelled'], false)).toBe('failed');
    expect(deriveRunStatus(['succeeded', 'failed'], false)).toBe('partial');
  });
});
