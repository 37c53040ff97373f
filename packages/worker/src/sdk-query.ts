/**
 * The one export of the Agent SDK that the worker runs, re-exported from a module of its own so that
 * agent-sdk.ts can load it lazily and the bundler still sees which export is used: a dynamic import of
 * the SDK itself keeps all of it (and the MCP SDK behind it) in the worker's bundle.
 */
export { query } from '@anthropic-ai/claude-agent-sdk/core';
