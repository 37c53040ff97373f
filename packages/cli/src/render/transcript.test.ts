import { describe, expect, it } from 'vitest';
import { makeColors } from './colors.js';
import { summarizeToolInput } from './tool-input.js';
import { parseTranscript, transcriptLines } from './transcript.js';

const plain = makeColors(false);
const lines = (message: unknown) => transcriptLines(message, plain);

describe('transcript lines', () => {
  it('shows the session start with model, tools and MCP servers', () => {
    const init = {
      type: 'system',
      subtype: 'init',
      model: 'claude-sonnet-4-5',
      tools: ['Bash', 'Write', 'mcp__claude-code__Read'],
      mcp_servers: [{ name: 'claude-code', status: 'connected' }],
      cwd: '/runs/run-x/agent-0',
    };
    expect(lines(init)).toEqual([
      '── session started · model claude-sonnet-4-5 · 3 tools · mcp: claude-code connected',
    ]);
  });

  it('shows assistant text and tool calls with a compact input', () => {
    const message = {
      type: 'assistant',
      parent_tool_use_id: null,
      message: {
        role: 'assistant',
        content: [
          { type: 'text', text: "I'll add the file.\nThen commit." },
          { type: 'tool_use', id: 't1', name: 'Write', input: { file_path: 'a.txt', content: 'one\ntwo\n' } },
          {
            type: 'tool_use',
            id: 't2',
            name: 'Bash',
            input: { command: 'git add -A && git commit -m "x"', description: 'commit' },
          },
          { type: 'thinking', thinking: 'hmm' },
        ],
      },
    };
    expect(lines(message)).toEqual([
      "● I'll add the file.",
      '  Then commit.',
      '● Write(a.txt (2 lines))',
      '● Bash(git add -A && git commit -m "x")',
      '✻ thinking…',
    ]);
  });

  it('shows tool results cut short, errors included', () => {
    const output = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n');
    const message = {
      type: 'user',
      message: {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: output },
          {
            type: 'tool_result',
            tool_use_id: 't2',
            content: [{ type: 'text', text: 'Exit code 1\nboom' }],
            is_error: true,
          },
          { type: 'tool_result', tool_use_id: 't3', content: '' },
        ],
      },
    };
    expect(transcriptLines(message, plain, { resultLines: 3 })).toEqual([
      '  ⎿  line 1',
      '     line 2',
      '     line 3',
      '     … (7 more lines)',
      '  ⎿  Exit code 1',
      '     boom',
      '  ⎿  (no output)',
    ]);
    expect(transcriptLines(message, makeColors(true), { resultLines: 3 })[4]).toContain('\u001b[31m');
  });

  it('ends with the result: outcome, turns, cost, time, and the reason of an error', () => {
    const success = {
      type: 'result',
      subtype: 'success',
      is_error: false,
      num_turns: 3,
      total_cost_usd: 0.0123,
      duration_ms: 4200,
      result: 'done',
    };
    expect(lines(success)).toEqual(['── result: success · 3 turns · $0.0123 · 4s']);
    const failure = {
      type: 'result',
      subtype: 'success',
      is_error: true,
      num_turns: 1,
      total_cost_usd: 0,
      duration_ms: 900,
      result: 'API Error: 400 prompt is too long',
    };
    expect(lines(failure)).toEqual([
      '── result: error (success) · 1 turn · $0 · 900ms',
      '   API Error: 400 prompt is too long',
    ]);
    expect(lines({ type: 'result', subtype: 'error_max_turns', is_error: true, num_turns: 5 })).toEqual([
      '── result: error (error_max_turns) · 5 turns',
    ]);
  });

  it('shows retries, indents subagents, and skips what a reader does not need', () => {
    const retry = {
      type: 'system',
      subtype: 'api_retry',
      attempt: 2,
      max_retries: 10,
      retry_delay_ms: 20_000,
      error_status: 529,
    };
    expect(lines(retry)).toEqual(['! API error 529; retrying in 20 s (attempt 2/10)']);
    const sub = {
      type: 'assistant',
      parent_tool_use_id: 'toolu_1',
      message: { content: [{ type: 'text', text: 'sub' }] },
    };
    expect(lines(sub)).toEqual(['    ● sub']);
    expect(lines({ type: 'stream_event', event: {} })).toEqual([]);
    expect(lines(null)).toEqual([]);
    expect(lines('not json')).toEqual(['(unreadable transcript line: not json)']);
  });

  it('parses ndjson, keeping lines that are not JSON as text', () => {
    expect(parseTranscript('{"type":"a"}\n\nbroken\n{"type":"b"}\n')).toEqual([
      { type: 'a' },
      'broken',
      { type: 'b' },
    ]);
  });
});

describe('summarizeToolInput', () => {
  it('names what each tool works on', () => {
    expect(summarizeToolInput('Read', { file_path: '/x/a.ts', offset: 10, limit: 20 })).toBe(
      '/x/a.ts (lines 10+20)',
    );
    expect(summarizeToolInput('Edit', { file_path: 'a.ts', old_string: 'x', new_string: 'y' })).toBe('a.ts');
    expect(summarizeToolInput('Grep', { pattern: 'TODO', path: 'src' })).toBe('TODO in src');
    expect(summarizeToolInput('mcp__claude-code__Bash', { command: 'ls\n-la' })).toBe('ls -la');
    expect(summarizeToolInput('Task', { description: 'review', prompt: 'long' })).toBe('review');
    expect(summarizeToolInput('TodoWrite', { todos: [{}, {}] })).toBe('2 items');
    expect(summarizeToolInput('Custom', { a: 1 })).toBe('{"a":1}');
    expect(summarizeToolInput('Custom', { a: 'x'.repeat(300) })).toHaveLength(120);
    expect(summarizeToolInput('Bash', null)).toBe('');
  });
});
