import { describe, expect, it } from 'vitest';
import { makeColors } from './colors.js';
import { colorDiff } from './diff.js';

describe('colorDiff', () => {
  const diff = ['diff --git a/x b/x', '--- a/x', '+++ b/x', '@@ -1 +1 @@', '-old', '+new', ' same', ''].join(
    '\n',
  );

  it('leaves a diff as it is without colour', () => {
    expect(colorDiff(diff, makeColors(false))).toBe(diff);
  });

  it('colours headers, hunks, additions and removals', () => {
    const lines = colorDiff(diff, makeColors(true)).split('\n');
    expect(lines[1]).toBe('\u001b[1m--- a/x\u001b[22m');
    expect(lines[3]).toContain('\u001b[36m');
    expect(lines[4]).toBe('\u001b[31m-old\u001b[39m');
    expect(lines[5]).toBe('\u001b[32m+new\u001b[39m');
    expect(lines[6]).toBe(' same');
  });
});
