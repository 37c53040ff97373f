import type { SDKMessage, SDKResultMessage } from '@anthropic-ai/claude-agent-sdk/core';
import { ZERO_USAGE } from '@fanout/shared';
import { describe, expect, it } from 'vitest';
import { ProgressTracker, decideOutcome, finalUsage, mcpServerProblem } from './outcome.js';

function result(fields: Record<string, unknown>): SDKResultMessage {
  return {
    type: 'result',
    subtype: 'success',
    is_error: false,
    result: 'All done.',
    num_turns: 3,
    total_cost_usd: 0.0123,
    usage: {
      input_tokens: 300,
      output_tokens: 60,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    },
    modelUsage: {},
    errors: [],
    session_id: 's1',
    ...fields,
  } as unknown as SDKResultMessage;
}

function assistant(
  id: string,
  usage: Record<string, number>,
  content: unknown[] = [],
  parent: string | null = null,
) {
  return {
    type: 'assistant',
    message: { id, content, usage },
    parent_tool_use_id: parent,
    session_id: 's1',
  } as unknown as SDKMessage;
}

const base = { thrown: null, stop: null, timeoutSeconds: 600 } as const;

describe('decideOutcome', () => {
  it('succeeds on a success result', () => {
    expect(decideOutcome({ ...base, result: result({}) })).toEqual({
      status: 'succeeded',
      saveReason: 'finished',
    });
  });

  it('keeps a success result even when the iterator threw after it', () => {
    expect(decideOutcome({ ...base, result: result({}), thrown: 'exited with code 1' }).status).toBe(
      'succeeded',
    );
  });

  it('is a model error when the result says is_error, even with subtype success', () => {
    const outcome = decideOutcome({
      ...base,
      result: result({ is_error: true, result: 'API Error: 400 bad request', api_error_status: 400 }),
      thrown: 'Claude Code process exited with code 1',
    });
    expect(outcome).toEqual({
      status: 'failed',
      error: { code: 'model_error', message: 'API Error: 400 bad request', status: 400 },
      saveReason: 'finished',
    });
  });

  it('falls back to the thrown message when the error result has no text', () => {
    const outcome = decideOutcome({
      ...base,
      result: result({ is_error: true, result: '' }),
      thrown: 'boom',
    });
    expect(outcome.error).toEqual({ code: 'model_error', message: 'boom' });
  });

  it('maps the turn limit and the budget', () => {
    expect(
      decideOutcome({ ...base, result: result({ subtype: 'error_max_turns', is_error: true }) }).error,
    ).toEqual({
      code: 'max_turns',
      message: 'Reached the maximum number of turns (3).',
    });
    expect(
      decideOutcome({ ...base, result: result({ subtype: 'error_max_budget_usd', errors: ['over budget'] }) })
        .error,
    ).toEqual({ code: 'budget', message: 'over budget' });
  });

  it('calls an error during execution a crash unless the model service failed', () => {
    expect(
      decideOutcome({
        ...base,
        result: result({ subtype: 'error_during_execution', errors: ['startup failed'] }),
      }),
    ).toEqual({
      status: 'failed',
      error: { code: 'agent_crashed', message: 'startup failed' },
      saveReason: 'crashed',
    });
    expect(
      decideOutcome({
        ...base,
        result: result({ subtype: 'error_during_execution', errors: ['overloaded'], api_error_status: 529 }),
      }).error,
    ).toEqual({ code: 'model_error', message: 'overloaded', status: 529 });
  });

  it('is a crash when the iterator threw without a result', () => {
    expect(
      decideOutcome({ ...base, result: null, thrown: 'Claude Code process terminated by signal SIGKILL' }),
    ).toEqual({
      status: 'failed',
      error: { code: 'agent_crashed', message: 'Claude Code process terminated by signal SIGKILL' },
      saveReason: 'crashed',
    });
    expect(decideOutcome({ ...base, result: null }).error?.code).toBe('agent_crashed');
  });

  it('says cancelled or timeout when the worker stopped the agent, whatever the SDK did then', () => {
    expect(decideOutcome({ ...base, result: null, thrown: 'aborted', stop: 'cancelled' })).toMatchObject({
      status: 'cancelled',
      error: { code: 'cancelled' },
      saveReason: 'cancelled',
    });
    expect(
      decideOutcome({ ...base, result: result({ subtype: 'error_during_execution' }), stop: 'timeout' }),
    ).toMatchObject({
      status: 'failed',
      error: { code: 'timeout', message: expect.stringContaining('600 s') as string },
      saveReason: 'timeout',
    });
  });
});

describe('finalUsage', () => {
  const streamed = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheCreationTokens: 0 };

  it('sums modelUsage over models when the result has it', () => {
    const r = result({
      modelUsage: {
        a: { inputTokens: 100, outputTokens: 10, cacheReadInputTokens: 5, cacheCreationInputTokens: 1 },
        b: { inputTokens: 50, outputTokens: 20, cacheReadInputTokens: 0, cacheCreationInputTokens: 2 },
      },
    });
    expect(finalUsage(r, streamed)).toEqual({
      inputTokens: 150,
      outputTokens: 30,
      cacheReadTokens: 5,
      cacheCreationTokens: 3,
    });
  });

  it("uses the result's usage without modelUsage, and the streamed sum without a result", () => {
    expect(finalUsage(result({}), streamed)).toEqual({
      inputTokens: 300,
      outputTokens: 60,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
    });
    expect(finalUsage(null, streamed)).toEqual(streamed);
  });

  it('prefers the streamed sum over a zeroed result', () => {
    const zeroed = result({ usage: { input_tokens: 0, output_tokens: 0 }, modelUsage: {} });
    expect(finalUsage(zeroed, streamed)).toEqual(streamed);
    expect(finalUsage(zeroed, ZERO_USAGE)).toEqual(ZERO_USAGE);
  });
});

describe('ProgressTracker', () => {
  it('counts usage once per API message and turns of the main conversation only', () => {
    const tracker = new ProgressTracker('/w', 'm');
    tracker.add(
      assistant('msg_1', { input_tokens: 100, output_tokens: 1 }, [{ type: 'thinking', thinking: '' }]),
    );
    // The same API message again, with its next content block and final usage.
    tracker.add(
      assistant('msg_1', { input_tokens: 100, output_tokens: 20 }, [
        { type: 'tool_use', name: 'Write', input: { file_path: '/w/src/a.ts' } },
      ]),
    );
    tracker.add(assistant('msg_2', { input_tokens: 50, output_tokens: 5, cache_read_input_tokens: 7 }));
    tracker.add(assistant('msg_sub', { input_tokens: 1, output_tokens: 1 }, [], 'toolu_1'));
    expect(tracker.snapshot()).toEqual({
      numTurns: 2,
      usage: { inputTokens: 151, outputTokens: 26, cacheReadTokens: 7, cacheCreationTokens: 0 },
      costUsd: null,
      activity: 'Write src/a.ts',
      model: 'm',
      sessionId: 's1',
    });
  });

  it('takes turns, usage and cost from the result once it comes', () => {
    const tracker = new ProgressTracker('/w', null);
    tracker.add(assistant('msg_1', { input_tokens: 1, output_tokens: 1 }));
    tracker.add(result({}));
    expect(tracker.snapshot()).toMatchObject({
      numTurns: 3,
      costUsd: 0.0123,
      usage: { inputTokens: 300, outputTokens: 60 },
      activity: 'Finished',
    });
    expect(tracker.lastResult?.subtype).toBe('success');
  });

  it('reports whether anything visible changed', () => {
    const tracker = new ProgressTracker('/w', null);
    const status = {
      type: 'system',
      subtype: 'status',
      status: null,
      session_id: 's1',
    } as unknown as SDKMessage;
    expect(tracker.add(status)).toBe(true); // the session id is new
    expect(tracker.add(status)).toBe(false);
  });
});

describe('mcpServerProblem', () => {
  const init = (servers: { name: string; status: string }[]) =>
    ({ type: 'system', subtype: 'init', mcp_servers: servers }) as unknown as SDKMessage;

  it('is null when the server connected, or for other messages', () => {
    expect(mcpServerProblem(init([{ name: 'claude', status: 'connected' }]), 'claude')).toBeNull();
    expect(mcpServerProblem(result({}), 'claude')).toBeNull();
  });

  it('names a failed or missing server', () => {
    expect(mcpServerProblem(init([{ name: 'claude', status: 'failed' }]), 'claude')).toBe(
      'MCP server "claude" is failed',
    );
    expect(mcpServerProblem(init([]), 'claude')).toContain('missing');
  });
});
