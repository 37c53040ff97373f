import { describe, expect, it } from 'vitest';
import { runRequestSchema } from './run-request.js';

const schema = runRequestSchema(16);

describe('runRequestSchema', () => {
  it('accepts a minimal and a full request', () => {
    expect(schema.parse({ prompt: 'hi', agents: 1 })).toEqual({ prompt: 'hi', agents: 1 });
    expect(
      schema.safeParse({
        prompt: 'p',
        agents: 2,
        model: 'm',
        models: ['a', 'b'],
        maxTurns: 5,
        timeoutSeconds: 60,
      }).success,
    ).toBe(true);
  });
  it('does not coerce', () => {
    expect(schema.safeParse({ prompt: 'p', agents: '3' }).success).toBe(false);
  });
  it('needs one model per agent and baseRepo for baseRef', () => {
    expect(schema.safeParse({ prompt: 'p', agents: 2, models: ['a'] }).success).toBe(false);
    expect(schema.safeParse({ prompt: 'p', agents: 1, baseRef: 'main' }).success).toBe(false);
  });
});

describe('runRequestSchema check', () => {
  const firstIssue = (body: unknown) => {
    const parsed = schema.safeParse(body);
    if (parsed.success) throw new Error('expected the request to be refused');
    const issue = parsed.error.issues[0];
    return `${issue?.path.join('.')}: ${issue?.message}`;
  };

  it('takes a shell command, trimmed', () => {
    expect(schema.parse({ prompt: 'p', agents: 1, check: '  npm test \n' })).toEqual({
      prompt: 'p',
      agents: 1,
      check: 'npm test',
    });
  });
  it('refuses an empty or blank command, naming the field', () => {
    expect(firstIssue({ prompt: 'p', agents: 1, check: '' })).toBe('check: must not be empty');
    expect(firstIssue({ prompt: 'p', agents: 1, check: ' \t\n' })).toBe('check: must not be empty');
  });
  it('refuses a command over 10,000 characters and one that is not a string', () => {
    expect(schema.safeParse({ prompt: 'p', agents: 1, check: 'x'.repeat(10_000) }).success).toBe(true);
    expect(firstIssue({ prompt: 'p', agents: 1, check: 'x'.repeat(10_001) })).toBe(
      'check: must be at most 10000 characters',
    );
    expect(firstIssue({ prompt: 'p', agents: 1, check: ['npm', 'test'] })).toBe('check: must be a string');
    expect(firstIssue({ prompt: 'p', agents: 1, check: null })).toBe('check: must be a string');
  });
});
