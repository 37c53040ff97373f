import { describe, expect, it } from 'vitest';
import { elapsedMs, formatAge, formatCost, formatDuration, promptTitle } from './format';

describe('format', () => {
  it('formats costs for cheap and dear runs', () => {
    expect(formatCost(null)).toBe('—');
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(0.0042)).toBe('$0.0042');
    expect(formatCost(0.42)).toBe('$0.420');
    expect(formatCost(12.3)).toBe('$12.30');
  });

  it('formats durations', () => {
    expect(formatDuration(4_400)).toBe('4s');
    expect(formatDuration(125_000)).toBe('2m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(-5)).toBe('0s');
  });

  it('formats ages relative to now', () => {
    const now = Date.parse('2026-01-02T12:00:00Z');
    expect(formatAge('2026-01-02T11:59:58Z', now)).toBe('just now');
    expect(formatAge('2026-01-02T11:59:18Z', now)).toBe('42s ago');
    expect(formatAge('2026-01-02T11:55:00Z', now)).toBe('5m ago');
    expect(formatAge('2026-01-02T09:00:00Z', now)).toBe('3h ago');
    expect(formatAge('2025-12-29T12:00:00Z', now)).toBe('4d ago');
    expect(formatAge('garbage', now)).toBe('—');
  });

  it('measures elapsed time until finish or now', () => {
    const now = Date.parse('2026-01-01T00:01:00Z');
    expect(elapsedMs(null, null, now)).toBeNull();
    expect(elapsedMs('2026-01-01T00:00:00Z', null, now)).toBe(60_000);
    expect(elapsedMs('2026-01-01T00:00:00Z', '2026-01-01T00:00:10Z', now)).toBe(10_000);
  });

  it('titles a prompt by its first line', () => {
    expect(promptTitle('  Fix the bug\nin detail')).toBe('Fix the bug');
    expect(promptTitle('x'.repeat(200), 10)).toBe('xxxxxxxxx…');
  });
});
