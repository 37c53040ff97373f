import { describe, expect, it } from 'vitest';
import {
  excerpt,
  formatAge,
  formatChanges,
  formatCost,
  formatDuration,
  formatElapsed,
  truncate,
} from './values.js';

describe('value formatting', () => {
  it('formats costs', () => {
    expect(formatCost(null)).toBe('–');
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(0.00123)).toBe('$0.0012');
    expect(formatCost(0.5)).toBe('$0.5000');
    expect(formatCost(12.345)).toBe('$12.35');
    expect(formatCost(250.4)).toBe('$250');
  });

  it('formats durations and elapsed time', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_300)).toBe('12s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(2 * 3600_000 + 4 * 60_000)).toBe('2h 04m');
    const now = new Date('2025-01-01T12:01:00Z');
    expect(formatElapsed(null, null, now)).toBe('–');
    expect(formatElapsed('2025-01-01T12:00:00Z', null, now)).toBe('1m 00s');
    expect(formatElapsed('2025-01-01T12:00:00Z', '2025-01-01T12:00:30Z', now)).toBe('30s');
  });

  it('formats ages', () => {
    const now = new Date('2025-03-01T12:00:00Z');
    expect(formatAge('2025-03-01T11:59:58Z', now)).toBe('just now');
    expect(formatAge('2025-03-01T11:59:18Z', now)).toBe('42s ago');
    expect(formatAge('2025-03-01T11:55:00Z', now)).toBe('5m ago');
    expect(formatAge('2025-03-01T09:00:00Z', now)).toBe('3h ago');
    expect(formatAge('2025-02-27T12:00:00Z', now)).toBe('2d ago');
    expect(formatAge('2024-12-01T12:00:00Z', now)).toBe('2024-12-01');
  });

  it('cuts text', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(excerpt('  line one\n\n line   two ', 100)).toBe('line one line two');
    expect(formatChanges({ files: 2, insertions: 10, deletions: 3 })).toBe('+10 -3');
    expect(formatChanges(null)).toBe('–');
  });
});
