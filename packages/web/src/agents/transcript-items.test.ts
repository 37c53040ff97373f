import { describe, expect, it } from 'vitest';
import { summarizeToolInput, toolInputFields, toolResultText, toTranscriptItems } from './transcript-items';

const entries = (messages: unknown[]) => messages.map((message, i) => ({ seq: i + 1, message }));

describe('toTranscriptItems', () => {
  it('turns SDK messages into text, tool calls, results and the final result', () => {
    const items = toTranscriptItems(
      entries([
        {
          type: 'system',
          subtype: 'init',
          model: 'claude-test',
          tools: ['Bash', 'Write'],
          mcp_servers: [{ name: 'claude', status: 'connected' }],
        },
        {
          type: 'assistant',
          message: {
            content: [
              { type: 'text', text: 'I will write the file.' },
              {
                type: 'tool_use',
                id: 'tu1',
                name: 'Write',
                input: { file_path: 'hello.txt', content: 'hi' },
              },
            ],
          },
        },
        {
          type: 'user',
          message: {
            content: [{ type: 'tool_result', tool_use_id: 'tu1', content: 'File created', is_error: false }],
          },
        },
        {
          type: 'user',
          message: {
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'nope',
                content: [{ type: 'text', text: 'boom' }],
                is_error: true,
              },
            ],
          },
        },
        {
          type: 'result',
          subtype: 'success',
          is_error: false,
          result: 'Done.',
          total_cost_usd: 0.01,
          num_turns: 2,
        },
      ]),
    );
    expect(items.map((i) => i.kind)).toEqual([
      'init',
      'text',
      'tool-call',
      'tool-result',
      'tool-result',
      'result',
    ]);
    expect(items[0]).toMatchObject({
      model: 'claude-test',
      tools: 2,
      mcpServers: [{ name: 'claude', status: 'connected' }],
    });
    expect(items[2]).toMatchObject({
      name: 'Write',
      summary: 'hello.txt',
      input: { file_path: 'hello.txt' },
    });
    expect(items[3]).toMatchObject({ toolName: 'Write', text: 'File created', isError: false });
    expect(items[4]).toMatchObject({ toolName: null, text: 'boom', isError: true });
    expect(items[5]).toMatchObject({
      isError: false,
      text: 'Done.',
      costUsd: 0.01,
      numTurns: 2,
      durationMs: null,
    });
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
  });

  it('shows the final answer once, not again in the result', () => {
    const items = toTranscriptItems(
      entries([
        { type: 'assistant', message: { content: [{ type: 'text', text: 'All done.' }] } },
        { type: 'result', subtype: 'success', is_error: false, result: 'All done.\n', num_turns: 1 },
      ]),
    );
    expect(
      items.map((i) => (i.kind === 'text' || i.kind === 'result' ? [i.kind, i.text] : [i.kind])),
    ).toEqual([
      ['text', 'All done.'],
      ['result', ''],
    ]);
  });

  it('shows retries and errors, and skips what is not worth showing', () => {
    const items = toTranscriptItems(
      entries([
        {
          type: 'system',
          subtype: 'api_retry',
          attempt: 2,
          max_retries: 10,
          retry_delay_ms: 20000,
          error_status: 529,
          error: 'overloaded',
        },
        { type: 'stream_event', event: {} },
        { type: 'system', subtype: 'status' },
        { type: 'system', subtype: 'compact_boundary' },
        'not an object',
        { type: 'assistant', message: { content: [{ type: 'text', text: '   ' }] } },
        { type: 'result', subtype: 'error_during_execution', is_error: true, errors: ['API Error: 401'] },
      ]),
    );
    expect(items).toEqual([
      { kind: 'retry', key: '1', attempt: 2, maxRetries: 10, delayMs: 20000, reason: 'HTTP 529, overloaded' },
      { kind: 'notice', key: '4', text: 'compact boundary' },
      {
        kind: 'result',
        key: '7',
        isError: true,
        subtype: 'error_during_execution',
        text: 'API Error: 401',
        costUsd: null,
        numTurns: null,
        durationMs: null,
      },
    ]);
  });
});

describe('summarizeToolInput', () => {
  it('picks the telling field of common tools', () => {
    expect(summarizeToolInput('Bash', { command: 'npm   test\n--run', description: 'x' })).toBe(
      'npm test --run',
    );
    expect(summarizeToolInput('Grep', { pattern: 'TODO' })).toBe('TODO');
    expect(summarizeToolInput('TodoWrite', { todos: [{}, {}] })).toBe('2 todos');
    expect(summarizeToolInput('mcp__x__y', { other: 'value' })).toBe('value');
    expect(summarizeToolInput('Nothing', null)).toBe('');
  });
});

describe('toolResultText', () => {
  it('reads strings and text blocks, and names other blocks', () => {
    expect(toolResultText('ok')).toBe('ok');
    expect(toolResultText([{ type: 'text', text: 'a' }, { type: 'image' }])).toBe('a\n[image]');
    expect(toolResultText(undefined)).toBe('');
  });
});

describe('toolInputFields', () => {
  it('shows strings as they are and other values as JSON', () => {
    expect(toolInputFields({ file_path: 'a.ts', content: 'line 1\nline 2', replace_all: true })).toEqual([
      { key: 'file_path', value: 'a.ts', multiline: false },
      { key: 'content', value: 'line 1\nline 2', multiline: true },
      { key: 'replace_all', value: 'true', multiline: false },
    ]);
    expect(toolInputFields(undefined)).toEqual([]);
  });
});
