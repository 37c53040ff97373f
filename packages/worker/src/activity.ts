import { relative } from 'node:path';
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk/core';

const MAX_ACTIVITY = 100;

export const THINKING = 'Thinking…';

function shorten(text: string): string {
  const line = text.trim().split('\n', 1)[0]?.trim() ?? '';
  return line.length > MAX_ACTIVITY ? `${line.slice(0, MAX_ACTIVITY - 1)}…` : line;
}

function stringField(input: unknown, ...keys: string[]): string | null {
  if (typeof input !== 'object' || input === null) return null;
  for (const key of keys) {
    const value = (input as Record<string, unknown>)[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return null;
}

/** "Check: npm test": the run's check is running. */
export function describeCheck(command: string): string {
  return shorten(`Check: ${command}`);
}

/** "Setup: npm ci": the run's setup is running, before the agent starts. */
export function describeSetup(command: string): string {
  return shorten(`Setup: ${command}`);
}

/** "Write src/a.ts", "Bash: npm test", … for one tool call; paths are shown relative to the worktree. */
export function describeToolUse(name: string, input: unknown, worktree: string): string {
  // MCP tools are named mcp__<server>__<tool>; `claude mcp serve` offers the same tools as Claude Code.
  const tool = name.startsWith('mcp__') ? (name.split('__').pop() ?? name) : name;
  const path = stringField(input, 'file_path', 'notebook_path', 'path');
  const shown = (p: string) => {
    const rel = relative(worktree, p);
    return rel === '' ? '.' : rel.startsWith('..') ? p : rel;
  };
  switch (tool) {
    case 'Write':
    case 'Edit':
    case 'MultiEdit':
    case 'Read':
    case 'NotebookEdit':
      return shorten(path ? `${tool} ${shown(path)}` : tool);
    case 'Bash': {
      const command = stringField(input, 'command');
      return shorten(command ? `Bash: ${command}` : 'Bash');
    }
    case 'Glob':
    case 'Grep': {
      const pattern = stringField(input, 'pattern');
      return shorten(pattern ? `${tool}: ${pattern}` : tool);
    }
    case 'WebFetch':
    case 'WebSearch': {
      const target = stringField(input, 'url', 'query');
      return shorten(target ? `${tool}: ${target}` : tool);
    }
    case 'Task':
    case 'Agent': {
      const description = stringField(input, 'description');
      return shorten(description ? `Agent: ${description}` : 'Agent');
    }
    case 'TodoWrite':
      return 'Updating the todo list';
    default:
      return shorten(tool);
  }
}

/**
 * What the agent is doing now, judged from the message that just arrived; undefined when the message says
 * nothing new (the previous activity stands).
 */
export function describeActivity(message: SDKMessage, worktree: string): string | undefined {
  switch (message.type) {
    case 'assistant': {
      const content: unknown = message.message?.content;
      if (!Array.isArray(content)) return undefined;
      let activity: string | undefined;
      for (const block of content as { type?: string; name?: string; input?: unknown; text?: string }[]) {
        if (block.type === 'tool_use' || block.type === 'server_tool_use' || block.type === 'mcp_tool_use') {
          activity = describeToolUse(block.name ?? 'tool', block.input, worktree);
        } else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
          activity ??= THINKING;
        } else if (block.type === 'text' && typeof block.text === 'string' && block.text.trim() !== '') {
          activity ??= shorten(block.text);
        }
      }
      return activity;
    }
    case 'user':
      // A tool result went back: the model is working on its next step.
      return THINKING;
    case 'system':
      if (message.subtype === 'init') return 'Starting';
      if (message.subtype === 'api_retry') {
        const cause =
          message.error_status === null ? 'connection error' : `API error ${message.error_status}`;
        const seconds = Math.round(message.retry_delay_ms / 1000);
        return `${cause}; retrying in ${seconds} s (attempt ${message.attempt}/${message.max_retries})`;
      }
      if (message.subtype === 'compact_boundary') return 'Compacting the conversation';
      return undefined;
    case 'result':
      return 'Finished';
    default:
      return undefined;
  }
}
