import type * as AgentSdk from '@anthropic-ai/claude-agent-sdk/core';

/**
 * Loads the Agent SDK through its `/core` entry, the one the SDK makes for applications that bundle it:
 * the same `query()` as the root entry, with about a quarter of the root's code run at load (the rest loads
 * when first called), and zod and the MCP SDK taken from this install instead of copies of its own. The
 * worker bundles zod anyway. A process must load only one of the two entries; the worker loads only this
 * one, and only here, so that importing this package (the orchestrator does) stays light.
 */
export function loadAgentSdk(): Promise<typeof AgentSdk> {
  return import('@anthropic-ai/claude-agent-sdk/core');
}
