/**
 * Stands in, in the worker's bundle only (bundle.mjs), for the three modules of the MCP SDK that the Agent
 * SDK's `/core` entry imports for in-process MCP servers: `McpServer` and two converters of tool schemas, all
 * used by `createSdkMcpServer()` alone. A worker gives Claude Code only `claude mcp serve`, a stdio server,
 * and never calls it, so the bundle leaves that function out, and with it everything here. The real modules
 * stayed in the bundle all the same, since they run code as they load: zod schemas for the whole MCP protocol,
 * and Ajv with its formats, a third of the bundle, run at every worker's start (BENCHMARKS.md). Should a
 * later Agent SDK call one of them on the way to a query, the worker fails at once with this message, and
 * the worker's tests, which run real agents through the built bundle, fail with it.
 */
const notBundled = (name: string) =>
  new Error(
    `fanout-worker: ${name} (of @modelcontextprotocol/sdk) is left out of the worker's bundle, ` +
      'since a worker runs no in-process MCP server',
  );

export class McpServer {
  constructor() {
    throw notBundled('McpServer');
  }
}

export function normalizeObjectSchema(): never {
  throw notBundled('normalizeObjectSchema');
}

export function toJsonSchemaCompat(): never {
  throw notBundled('toJsonSchemaCompat');
}
