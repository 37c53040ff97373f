import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, startCursor } from './events.js';

describe('stream cursors', () => {
  it('round-trip', () => {
    const cursor = {
      agents: [
        { lines: 12, phase: 3, rev: 0 },
        { lines: 0, phase: -1, rev: 0 },
        { lines: 4, phase: 2, rev: 17 },
      ],
      done: false,
    };
    expect(decodeCursor(encodeCursor(cursor), 3)).toEqual(cursor);
    expect(decodeCursor(encodeCursor({ ...cursor, done: true }), 3)).toEqual({ ...cursor, done: true });
  });
  it('0 is the start', () => {
    expect(decodeCursor('0', 2)).toEqual(startCursor(2));
  });
  it('refuses malformed cursors and cursors of another run shape', () => {
    for (const bad of [
      '',
      'x',
      'v1.',
      'v1.1-2',
      'v1.1-2-3_4',
      'v2.1-2-3',
      'v1.-1-2-3',
      'v1.1-9-0',
      'v1.01-1-0',
    ]) {
      expect(decodeCursor(bad, 1), bad).toBeNull();
    }
    expect(decodeCursor('v1.1-2-3_4-1-0', 1)).toBeNull();
  });
});
