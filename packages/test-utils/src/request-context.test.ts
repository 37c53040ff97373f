import { describe, expect, it } from 'vitest';
import { readRequestContext } from './request-context.js';

const tools = [{ name: 'Bash', input_schema: {} }];

describe('readRequestContext', () => {
  it('reads cwd and agent from the environment block of the first user message', () => {
    const ctx = readRequestContext({
      model: 'm',
      stream: true,
      tools,
      messages: [
        {
          role: 'user',
          content: [{ type: 'text', text: ' - Primary working directory: /s/run-1/agent-12/\n - x' }],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'ok' }] },
      ],
    });
    expect(ctx).toEqual({
      cwd: '/s/run-1/agent-12/',
      agent: 12,
      assistantTurns: 1,
      main: true,
      stream: true,
      model: 'm',
    });
  });

  it('reads cwd from a string system prompt and leaves agent null for other folders', () => {
    const ctx = readRequestContext({ system: 'Primary working directory: /repo', tools, messages: [] });
    expect(ctx).toMatchObject({ cwd: '/repo', agent: null, assistantTurns: 0, main: true, stream: false });
  });

  it('calls requests without tools, and subagent turns, side requests', () => {
    expect(readRequestContext({ messages: [{ role: 'user', content: 'quota' }] }).main).toBe(false);
    const subagent = readRequestContext({
      system: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=2; cc_is_subagent=true;' }],
      tools,
      messages: [],
    });
    expect(subagent.main).toBe(false);
    expect(readRequestContext('not json').main).toBe(false);
  });
});
