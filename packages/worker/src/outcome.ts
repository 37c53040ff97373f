import type { SDKMessage, SDKResultMessage } from '@anthropic-ai/claude-agent-sdk/core';
import type { AgentError, Usage } from '@fanout/shared';
import { ZERO_USAGE } from '@fanout/shared';
import { describeActivity } from './activity.js';

/** Why the worker stopped the agent itself. */
export type StopCause = 'cancelled' | 'timeout';

/** Why fanout's safety-net commit was made; it names the commit message. */
export type SaveReason = 'finished' | 'cancelled' | 'crashed' | 'timeout';

export interface Outcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  error?: AgentError;
  saveReason: SaveReason;
}

export interface OutcomeInput {
  /** The `result` message, if one came. */
  result: SDKResultMessage | null;
  /** The message of the error the SDK's iterator threw, if it threw. */
  thrown: string | null;
  /** Set when the worker stopped the agent (cancel, deadline) before a result came. */
  stop: StopCause | null;
  timeoutSeconds: number;
}

interface UsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

export function usageFromApi(usage: UsageLike | null | undefined): Usage {
  return {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cacheReadTokens: usage?.cache_read_input_tokens ?? 0,
    cacheCreationTokens: usage?.cache_creation_input_tokens ?? 0,
  };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheCreationTokens: a.cacheCreationTokens + b.cacheCreationTokens,
  };
}

function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheCreationTokens;
}

/**
 * Usage of a finished query: the result's `modelUsage` summed over all models (it also counts subagents and
 * internal calls), else its `usage` (main loop only); what the assistant messages added up to when the result
 * carries only zeros (a crash or startup-error result).
 */
export function finalUsage(result: SDKResultMessage | null, streamed: Usage): Usage {
  if (!result) return streamed;
  const models = Object.values(result.modelUsage ?? {});
  const fromResult =
    models.length > 0
      ? models.reduce<Usage>(
          (sum, m) =>
            addUsage(sum, {
              inputTokens: m.inputTokens ?? 0,
              outputTokens: m.outputTokens ?? 0,
              cacheReadTokens: m.cacheReadInputTokens ?? 0,
              cacheCreationTokens: m.cacheCreationInputTokens ?? 0,
            }),
          ZERO_USAGE,
        )
      : usageFromApi(result.usage);
  return totalTokens(fromResult) === 0 && totalTokens(streamed) > 0 ? streamed : fromResult;
}

function apiErrorStatus(result: SDKResultMessage): number | undefined {
  const status = (result as { api_error_status?: unknown }).api_error_status;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}

function withStatus(error: AgentError, status: number | undefined): AgentError {
  return status === undefined ? error : { ...error, status };
}

function resultErrors(result: SDKResultMessage): string | null {
  const errors = 'errors' in result && Array.isArray(result.errors) ? result.errors : [];
  const text = errors.filter((e) => typeof e === 'string' && e.trim() !== '').join('; ');
  return text === '' ? null : text;
}

/** The agent's outcome from how its query ended. Pure. */
export function decideOutcome({ result, thrown, stop, timeoutSeconds }: OutcomeInput): Outcome {
  if (stop === 'cancelled') {
    return {
      status: 'cancelled',
      error: { code: 'cancelled', message: 'Cancelled; the work done so far was committed.' },
      saveReason: 'cancelled',
    };
  }
  if (stop === 'timeout') {
    return {
      status: 'failed',
      error: {
        code: 'timeout',
        message: `Timed out after ${timeoutSeconds} s; the work done so far was committed.`,
      },
      saveReason: 'timeout',
    };
  }
  if (!result) {
    return {
      status: 'failed',
      error: { code: 'agent_crashed', message: thrown ?? 'Claude Code ended without a result.' },
      saveReason: 'crashed',
    };
  }
  const status = apiErrorStatus(result);
  switch (result.subtype) {
    case 'success': {
      if (!result.is_error) return { status: 'succeeded', saveReason: 'finished' };
      const message = result.result.trim() || thrown || 'The model service returned an error.';
      return {
        status: 'failed',
        error: withStatus({ code: 'model_error', message }, status),
        saveReason: 'finished',
      };
    }
    case 'error_max_turns':
      return {
        status: 'failed',
        error: {
          code: 'max_turns',
          message: resultErrors(result) ?? `Reached the maximum number of turns (${result.num_turns}).`,
        },
        saveReason: 'finished',
      };
    case 'error_max_budget_usd':
      return {
        status: 'failed',
        error: { code: 'budget', message: resultErrors(result) ?? 'Reached the spending limit.' },
        saveReason: 'finished',
      };
    case 'error_during_execution': {
      const message = resultErrors(result) ?? thrown ?? 'Claude Code stopped with an error.';
      // An API error status says the model service failed; anything else is Claude Code itself.
      return status === undefined
        ? { status: 'failed', error: { code: 'agent_crashed', message }, saveReason: 'crashed' }
        : { status: 'failed', error: { code: 'model_error', message, status }, saveReason: 'finished' };
    }
    default: {
      const message = resultErrors(result) ?? thrown ?? `Claude Code stopped: ${String(result.subtype)}.`;
      return {
        status: 'failed',
        error: withStatus({ code: 'model_error', message }, status),
        saveReason: 'finished',
      };
    }
  }
}

/** The live figures of a running agent, as state.json shows them. */
export interface Progress {
  numTurns: number;
  usage: Usage;
  costUsd: number | null;
  activity: string | null;
  model: string | null;
  sessionId: string | null;
}

/**
 * Folds SDK messages into live progress. Streamed assistant messages repeat one API message per content
 * block (same `message.id`), so usage is kept per message id (the latest wins) and turns count distinct ids
 * of the main conversation.
 */
export class ProgressTracker {
  private readonly usageById = new Map<string, Usage>();
  private readonly mainTurnIds = new Set<string>();
  private anonymous = 0;
  private activity: string | null = null;
  private model: string | null;
  private sessionId: string | null = null;
  private result: SDKResultMessage | null = null;

  constructor(
    private readonly worktree: string,
    model: string | null,
  ) {
    this.model = model;
  }

  /** Takes in one message; returns whether the visible progress changed. */
  add(message: SDKMessage): boolean {
    let changed = false;
    if ('session_id' in message && typeof message.session_id === 'string' && !this.sessionId) {
      this.sessionId = message.session_id;
      changed = true;
    }
    if (message.type === 'system' && message.subtype === 'init' && typeof message.model === 'string') {
      this.model = message.model;
      changed = true;
    }
    if (message.type === 'assistant') {
      const id =
        typeof message.message?.id === 'string' ? message.message.id : `anonymous-${this.anonymous++}`;
      this.usageById.set(id, usageFromApi(message.message?.usage));
      if (message.parent_tool_use_id === null) this.mainTurnIds.add(id);
      changed = true;
    }
    if (message.type === 'result') {
      this.result = message;
      changed = true;
    }
    const activity = describeActivity(message, this.worktree);
    if (activity !== undefined && activity !== this.activity) {
      this.activity = activity;
      changed = true;
    }
    return changed;
  }

  get lastResult(): SDKResultMessage | null {
    return this.result;
  }

  get streamedUsage(): Usage {
    let sum = ZERO_USAGE;
    for (const usage of this.usageById.values()) sum = addUsage(sum, usage);
    return sum;
  }

  setActivity(activity: string | null): void {
    this.activity = activity;
  }

  snapshot(): Progress {
    const result = this.result;
    return {
      numTurns: result?.num_turns ?? this.mainTurnIds.size,
      usage: finalUsage(result, this.streamedUsage),
      costUsd: typeof result?.total_cost_usd === 'number' ? result.total_cost_usd : null,
      activity: this.activity,
      model: this.model,
      sessionId: this.sessionId,
    };
  }
}

/** A warning when the init message shows that MCP server `name` did not connect; null when it did. */
export function mcpServerProblem(message: SDKMessage, name: string): string | null {
  if (message.type !== 'system' || message.subtype !== 'init') return null;
  const server = (message.mcp_servers ?? []).find((s) => s.name === name);
  if (!server) return `MCP server "${name}" is missing from the init message`;
  return server.status === 'connected' ? null : `MCP server "${name}" is ${server.status}`;
}
