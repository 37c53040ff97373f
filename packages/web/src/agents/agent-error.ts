import type { AgentError } from '@fanout/shared';

const EXPLANATIONS: Record<AgentError['code'], string> = {
  model_error: 'The model service answered with an error, so the agent could not go on.',
  agent_crashed: 'Claude Code stopped unexpectedly (it crashed or was killed).',
  worker_lost: 'The worker running this agent disappeared (its process or pod ended without a word).',
  timeout: 'The agent ran out of time and was stopped.',
  max_turns: 'The agent reached its limit of turns before it finished.',
  budget: "The run's spending limit was reached, so the agent was stopped.",
  cancelled: 'The run was cancelled; the agent was stopped.',
  setup_failed: 'Preparing the agent (its worktree or setup command) failed, so it never started.',
  internal: 'fanout itself ran into an internal error.',
};

const HTTP_HINTS: Record<number, string> = {
  400: 'the request was refused as invalid',
  401: 'the API key was refused',
  403: 'the API key may not use this model',
  404: 'the model was not found',
  408: 'the request timed out',
  413: 'the request was too large',
  429: 'the rate limit was hit',
  500: 'the service had an internal error',
  502: 'a gateway failed',
  503: 'the service was unavailable',
  529: 'the service was overloaded',
};

/** A failed or stopped agent's error in plain words: what happened, and what the service said. */
export function explainAgentError(error: AgentError): { summary: string; detail: string } {
  let summary = EXPLANATIONS[error.code] ?? 'The agent stopped with an error.';
  if (error.status !== undefined) {
    const hint = HTTP_HINTS[error.status];
    summary += ` (HTTP ${error.status}${hint ? `: ${hint}` : ''})`;
  }
  // The worker commits whatever is in the worktree however the agent stopped, unless it never started.
  if (error.code !== 'setup_failed' && error.code !== 'internal') {
    summary += ' Work done until then was committed to its branch.';
  }
  return { summary, detail: error.message.trim() };
}
