import { describe, expect, it } from 'vitest';
import { lastLines, setupFailureMessage } from './setup-phase.js';

const result = (over: Partial<Parameters<typeof setupFailureMessage>[0]>) => ({
  status: 'failed' as const,
  exitCode: 1,
  durationMs: 5,
  output: '',
  ...over,
});

describe('setupFailureMessage', () => {
  it('says how the setup ended, then the last lines of its output', () => {
    expect(setupFailureMessage(result({ exitCode: 2, output: 'a\nb\n' }))).toBe('setup exited with 2: a\nb');
    expect(setupFailureMessage(result({ exitCode: null, message: 'ended by SIGKILL', output: 'x' }))).toBe(
      'setup was ended by SIGKILL: x',
    );
    expect(
      setupFailureMessage(
        result({ status: 'error', exitCode: null, message: 'could not start /bin/sh: ENOENT' }),
      ),
    ).toBe('setup could not start /bin/sh: ENOENT: (no output)');
  });
  it('keeps at most 10 lines and 1000 characters', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    expect(lastLines(lines).split('\n')).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 20}`));
    const long = lastLines('y'.repeat(5000));
    expect(long).toBe(`…${'y'.repeat(1000)}`);
  });
});
