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
