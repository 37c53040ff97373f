import { describe, expect, it } from 'vitest';
import { makeColors } from './colors.js';
import { redrawSequence } from './live-area.js';
import { stripAnsi, truncateVisible, visibleWidth } from './terminal-text.js';

const c = makeColors(true);

describe('terminal text', () => {
  it('measures without colour codes', () => {
    expect(visibleWidth(c.green('ok') + ' done')).toBe(7);
    expect(stripAnsi(c.red('x'))).toBe('x');
  });

  it('cuts to a width, keeping colours and resetting them', () => {
    expect(truncateVisible('abcdef', 10)).toBe('abcdef');
    expect(truncateVisible('abcdef', 4)).toBe('abc…');
    const cut = truncateVisible(`${c.green('abcdef')}gh`, 4);
    expect(stripAnsi(cut)).toBe('abc…');
    expect(cut.endsWith('\u001b[0m')).toBe(true);
  });

  it('redraws a frame in place: up over the old lines, clear, new lines cut to the width', () => {
    expect(redrawSequence(0, ['a', 'b'], 80)).toBe('\u001b[0Ja\nb\n');
    expect(redrawSequence(2, ['a', 'b', 'c'], 80)).toBe('\r\u001b[2A\u001b[0Ja\nb\nc\n');
    expect(redrawSequence(0, ['abcdefgh'], 5)).toBe('\u001b[0Jabc…\n');
  });
});
