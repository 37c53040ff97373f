import type * as SdkQuery from './sdk-query.js';

/**
 * Loads the Agent SDK's `query()` through its `/core` entry, the one the SDK makes for applications that
 * bundle it: the same `query()` as the root entry, with about a quarter of the root's code run at load
 * (the rest loads when first called), and zod and the MCP SDK taken from this install instead of copies
 * of its own. A process must load only one of the two entries; the worker loads only this one, and only
 * here, so that importing this package (the orchestrator does) stays light. It goes through sdk-query.ts
 * so that the worker's bundle holds only what `query()` needs.
 */
export function loadAgentSdk(): Promise<typeof SdkQuery> {
  return import('./sdk-query.js');
}
