import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk/core';
import { describe, expect, it } from 'vitest';
import { THINKING, describeActivity, describeToolUse } from './activity.js';

const W = '/runs/run-x/agent-0';

function msg(value: Record<string, unknown>): SDKMessage {
  return value as unknown as SDKMessage;
}

describe('describeToolUse', () => {
  it('shows file tools with the path relative to the worktree', () => {
    expect(describeToolUse('Write', { file_path: `${W}/src/a.ts`, content: 'x' }, W)).toBe('Write src/a.ts');
    expect(describeToolUse('Edit', { file_path: '/etc/hosts' }, W)).toBe('Edit /etc/hosts');
    expect(describeToolUse('Read', {}, W)).toBe('Read');
  });

  it('shows the first line of a Bash command, shortened', () => {
    expect(describeToolUse('Bash', { command: 'npm test\necho done' }, W)).toBe('Bash: npm test');
    const long = describeToolUse('Bash', { command: `echo ${'x'.repeat(300)}` }, W);
    expect(long.length).toBe(100);
    expect(long.endsWith('…')).toBe(true);
  });

  it('names MCP tools by their tool name', () => {
    expect(describeToolUse('mcp__claude__Bash', { command: 'ls' }, W)).toBe('Bash: ls');
    expect(describeToolUse('mcp__other__do_thing', {}, W)).toBe('do_thing');
  });

  it('covers search, web, subagents and todos', () => {
    expect(describeToolUse('Grep', { pattern: 'TODO' }, W)).toBe('Grep: TODO');
    expect(describeToolUse('WebFetch', { url: 'https://x.dev' }, W)).toBe('WebFetch: https://x.dev');
    expect(describeToolUse('Task', { description: 'review' }, W)).toBe('Agent: review');
    expect(describeToolUse('TodoWrite', { todos: [] }, W)).toBe('Updating the todo list');
  });
});

describe('describeActivity', () => {
  it('prefers a tool call over text and thinking in one message', () => {
    const m = msg({
      type: 'assistant',
      message: {
        content: [
          { type: 'thinking', thinking: '…' },
          { type: 'text', text: 'Let me run the tests.' },
          { type: 'tool_use', name: 'Bash', input: { command: 'npm test' } },
        ],
      },
    });
    expect(describeActivity(m, W)).toBe('Bash: npm test');
  });

  it('says thinking while the model works, and shows text otherwise', () => {
    expect(
      describeActivity(msg({ type: 'assistant', message: { content: [{ type: 'thinking' }] } }), W),
    ).toBe(THINKING);
    expect(describeActivity(msg({ type: 'user', message: { content: [] } }), W)).toBe(THINKING);
    expect(
      describeActivity(
        msg({ type: 'assistant', message: { content: [{ type: 'text', text: '\nDone.\nMore' }] } }),
        W,
      ),
    ).toBe('Done.');
  });

  it('shows API retries', () => {
    const retry = msg({
      type: 'system',
      subtype: 'api_retry',
      attempt: 2,
      max_retries: 10,
      retry_delay_ms: 20_000,
      error_status: 529,
    });
    expect(describeActivity(retry, W)).toBe('API error 529; retrying in 20 s (attempt 2/10)');
  });

  it('leaves the activity alone for messages that say nothing new', () => {
    expect(describeActivity(msg({ type: 'system', subtype: 'status' }), W)).toBeUndefined();
    expect(describeActivity(msg({ type: 'assistant', message: { content: [] } }), W)).toBeUndefined();
  });
});
