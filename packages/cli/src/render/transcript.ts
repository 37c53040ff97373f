import type { Colors } from './colors.js';
import { summarizeToolInput } from './tool-input.js';
import { formatCost, formatDuration, plural, truncate } from './values.js';

export interface TranscriptOptions {
  /** Lines of a tool result to show before cutting it. */
  resultLines?: number;
  /** Characters of a tool result line to show before cutting it. */
  resultWidth?: number;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** The messages of an ndjson transcript; a line that is not JSON becomes a string (shown as such). */
export function parseTranscript(ndjson: string): unknown[] {
  return ndjson
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return line;
      }
    });
}

/**
 * The human-readable lines of one raw Claude Agent SDK message: assistant text, tool calls with a compact
 * summary of their input, tool results cut short, retries, and the final result. Messages that carry nothing
 * a reader needs (stream events, status pings) give no lines.
 */
export function transcriptLines(message: unknown, colors: Colors, options: TranscriptOptions = {}): string[] {
  if (typeof message === 'string')
    return [colors.dim(`(unreadable transcript line: ${truncate(message, 80)})`)];
  if (!isObject(message)) return [];
  // Messages of a subagent (Agent/Task tool) are indented under the call that started it.
  const indent = str(message.parent_tool_use_id) ? '    ' : '';
  const lines = messageLines(message, colors, options);
  return indent ? lines.map((line) => indent + line) : lines;
}

function messageLines(message: Json, colors: Colors, options: TranscriptOptions): string[] {
  switch (message.type) {
    case 'system':
      return systemLines(message, colors);
    case 'assistant':
      return assistantLines(message, colors);
    case 'user':
      return userLines(message, colors, options);
    case 'result':
      return resultLines(message, colors);
    default:
      return [];
  }
}

function systemLines(message: Json, colors: Colors): string[] {
  switch (message.subtype) {
    case 'init': {
      const parts = ['session started'];
      const model = str(message.model);
      if (model) parts.push(`model ${model}`);
      if (Array.isArray(message.tools)) parts.push(plural(message.tools.length, 'tool'));
      if (Array.isArray(message.mcp_servers)) {
        const servers = message.mcp_servers
          .filter(isObject)
          .map((s) => `${str(s.name) ?? '?'} ${str(s.status) ?? '?'}`);
        if (servers.length > 0) parts.push(`mcp: ${servers.join(', ')}`);
      }
      return [colors.dim(`── ${parts.join(' · ')}`)];
    }
    case 'api_retry': {
      const status = num(message.error_status);
      const cause = status === null ? 'connection error' : `API error ${status}`;
      const delay = num(message.retry_delay_ms);
      const attempt = num(message.attempt);
      const max = num(message.max_retries);
      const wait = delay === null ? '' : `; retrying in ${Math.round(delay / 1000)} s`;
      const count = attempt === null ? '' : ` (attempt ${attempt}${max === null ? '' : `/${max}`})`;
      return [colors.yellow(`! ${cause}${wait}${count}`)];
    }
    case 'compact_boundary':
      return [colors.dim('── conversation compacted')];
    default:
      return [];
  }
}

function assistantLines(message: Json, colors: Colors): string[] {
  const content = isObject(message.message) ? message.message.content : undefined;
  if (!Array.isArray(content)) return [];
  const lines: string[] = [];
  for (const block of content) {
    if (!isObject(block)) continue;
    switch (block.type) {
      case 'text': {
        const text = str(block.text)?.trim();
        if (text) lines.push(...prefixLines(text, '● ', '  '));
        break;
      }
      case 'thinking':
      case 'redacted_thinking':
        lines.push(colors.dim('✻ thinking…'));
        break;
      case 'tool_use':
      case 'server_tool_use':
      case 'mcp_tool_use': {
        const name = str(block.name) ?? 'tool';
        const summary = summarizeToolInput(name, block.input);
        lines.push(`${colors.cyan('●')} ${colors.bold(name)}${summary ? `(${summary})` : ''}`);
        break;
      }
    }
  }
  return lines;
}

function userLines(message: Json, colors: Colors, options: TranscriptOptions): string[] {
  const content = isObject(message.message) ? message.message.content : undefined;
  if (typeof content === 'string')
    return content.trim() ? prefixLines(content.trim(), '> ', '  ').map(colors.dim) : [];
  if (!Array.isArray(content)) return [];
  const lines: string[] = [];
  for (const block of content) {
    if (!isObject(block)) continue;
    if (block.type === 'tool_result') {
      const text = toolResultText(block.content).trim();
      const shown = cutLines(text === '' ? '(no output)' : text, options);
      const paint = block.is_error === true ? colors.red : colors.dim;
      lines.push(...prefixLines(shown, '  ⎿  ', '     ').map((line) => paint(line)));
    } else if (block.type === 'text') {
      const text = str(block.text)?.trim();
      if (text) lines.push(...prefixLines(text, '> ', '  ').map((line) => colors.dim(line)));
    }
  }
  return lines;
}

function resultLines(message: Json, colors: Colors): string[] {
  const isError = message.is_error === true || (str(message.subtype) ?? 'success') !== 'success';
  const parts = [isError ? `error (${str(message.subtype) ?? 'unknown'})` : 'success'];
  const turns = num(message.num_turns);
  if (turns !== null) parts.push(plural(turns, 'turn'));
  const cost = num(message.total_cost_usd);
  if (cost !== null) parts.push(formatCost(cost));
  const duration = num(message.duration_ms);
  if (duration !== null) parts.push(formatDuration(duration));
  const head = `── result: ${parts.join(' · ')}`;
  const lines = [isError ? colors.red(head) : colors.green(head)];
  // On success the result text repeats the last assistant text; on an error it is the reason.
  const text = str(message.result)?.trim();
  if (isError && text) lines.push(...prefixLines(text, '   ', '   ').map((line) => colors.red(line)));
  const errors = Array.isArray(message.errors)
    ? message.errors.filter((e): e is string => typeof e === 'string')
    : [];
  if (isError && !text) for (const error of errors) lines.push(colors.red(`   ${error}`));
  return lines;
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isObject)
    .map((part) => (part.type === 'text' ? (str(part.text) ?? '') : `[${str(part.type) ?? 'content'}]`))
    .join('\n');
}

function cutLines(text: string, options: TranscriptOptions): string {
  const maxLines = options.resultLines ?? 6;
  const width = options.resultWidth ?? 160;
  const all = text.split('\n');
  const shown = all.slice(0, maxLines).map((line) => truncate(line, width));
  if (all.length > maxLines) shown.push(`… (${plural(all.length - maxLines, 'more line')})`);
  return shown.join('\n');
}

function prefixLines(text: string, first: string, rest: string): string[] {
  return text.split('\n').map((line, i) => (i === 0 ? first : rest) + line);
}
