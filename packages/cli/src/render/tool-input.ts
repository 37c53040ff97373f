import { excerpt, truncate } from './values.js';

const MAX_SUMMARY = 120;

function field(input: Record<string, unknown>, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = input[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return null;
}

/** `Bash` for `Bash`, `Read` for `mcp__claude-code__Read` (MCP servers offering Claude Code's tools). */
export function toolBaseName(name: string): string {
  return name.startsWith('mcp__') ? (name.split('__').pop() ?? name) : name;
}

/**
 * A compact, one-line summary of a tool call's input: the command of Bash, the path of a file tool, the
 * pattern of a search, and otherwise the input as short JSON.
 */
export function summarizeToolInput(name: string, input: unknown): string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return '';
  const args = input as Record<string, unknown>;
  const tool = toolBaseName(name);
  const path = field(args, 'file_path', 'notebook_path', 'path');
  switch (tool) {
    case 'Bash':
      return excerpt(field(args, 'command') ?? '', MAX_SUMMARY);
    case 'Write': {
      const content = field(args, 'content');
      const lines = content === null ? 0 : content.split('\n').length - (content.endsWith('\n') ? 1 : 0);
      return path === null
        ? ''
        : `${path}${content === null ? '' : ` (${lines} ${lines === 1 ? 'line' : 'lines'})`}`;
    }
    case 'Edit':
    case 'MultiEdit':
    case 'NotebookEdit':
      return path ?? '';
    case 'Read': {
      const range =
        typeof args.offset === 'number' || typeof args.limit === 'number'
          ? ` (lines ${typeof args.offset === 'number' ? args.offset : 1}${typeof args.limit === 'number' ? `+${args.limit}` : '…'})`
          : '';
      return path === null ? '' : `${path}${range}`;
    }
    case 'Glob':
    case 'Grep': {
      const pattern = field(args, 'pattern') ?? '';
      return excerpt(path === null ? pattern : `${pattern} in ${path}`, MAX_SUMMARY);
    }
    case 'WebFetch':
    case 'WebSearch':
      return excerpt(field(args, 'url', 'query') ?? '', MAX_SUMMARY);
    case 'Task':
    case 'Agent':
      return excerpt(field(args, 'description') ?? '', MAX_SUMMARY);
    case 'TodoWrite':
      return Array.isArray(args.todos)
        ? `${args.todos.length} ${args.todos.length === 1 ? 'item' : 'items'}`
        : '';
    default:
      return truncate(JSON.stringify(args), MAX_SUMMARY);
  }
}
