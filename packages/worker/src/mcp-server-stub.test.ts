import { describe, expect, it } from 'vitest';
import { McpServer, normalizeObjectSchema, toJsonSchemaCompat } from './mcp-server-stub.js';

describe("the worker bundle's stand-in for the MCP SDK's server modules", () => {
  it('fails at once, naming what is missing and why, if anything calls it', () => {
    expect(() => new McpServer()).toThrow(
      "fanout-worker: McpServer (of @modelcontextprotocol/sdk) is left out of the worker's bundle, " +
        'since a worker runs no in-process MCP server',
    );
    expect(() => normalizeObjectSchema()).toThrow(/normalizeObjectSchema .* is left out/);
    expect(() => toJsonSchemaCompat()).toThrow(/toJsonSchemaCompat .* is left out/);
  });
});
