import type { TranscriptEntry } from './transcript-entry';

/** What the transcript view shows, one item per thing the agent said or did. */
export type TranscriptItem =
  | {
      kind: 'init';
      key: string;
      model: string | null;
      tools: number;
      mcpServers: { name: string; status: string }[];
    }
  | { kind: 'text'; key: string; text: string }
  | { kind: 'thinking'; key: string; text: string }
  | { kind: 'user'; key: string; text: string }
  | { kind: 'tool-call'; key: string; id: string; name: string; summary: string; input: unknown }
  | { kind: 'tool-result'; key: string; toolName: string | null; text: string; isError: boolean }
  | {
      kind: 'result';
      key: string;
      isError: boolean;
      subtype: string;
      text: string;
      costUsd: number | null;
      numTurns: number | null;
      durationMs: number | null;
    }
  | { kind: 'retry'; key: string; attempt: number; maxRetries: number; delayMs: number; reason: string }
  | { kind: 'notice'; key: string; text: string };

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

const SUMMARY_FIELDS = ['command', 'file_path', 'path', 'pattern', 'url', 'query', 'description', 'prompt'];

/** A one-line summary of a tool call's input: the command, the file, the pattern… */
export function summarizeToolInput(name: string, input: unknown): string {
  if (!isObj(input)) return '';
  if (name === 'TodoWrite' && Array.isArray(input['todos'])) return `${input['todos'].length} todos`;
  for (const field of SUMMARY_FIELDS) {
    const value = str(input[field]);
    if (value) return oneLine(value);
  }
  const firstString = Object.values(input).find((v): v is string => typeof v === 'string');
  return firstString ? oneLine(firstString) : '';
}

function oneLine(text: string, max = 160): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The text of a tool result's content: a string, or text blocks (images are named, not shown). */
export function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    return content === undefined || content === null ? '' : JSON.stringify(content);
  return content
    .map((block) => {
      if (!isObj(block)) return '';
      if (block['type'] === 'text') return str(block['text']) ?? '';
      return `[${str(block['type']) ?? 'content'}]`;
    })
    .filter((part) => part !== '')
    .join('\n');
}

function contentBlocks(message: Obj): unknown[] {
  const inner = message['message'];
  if (!isObj(inner)) return [];
  const content = inner['content'];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content : [];
}

/** The transcript's SDK messages as display items, with each tool result named after its call. */
export function toTranscriptItems(entries: readonly TranscriptEntry[]): TranscriptItem[] {
  const items: TranscriptItem[] = [];
  const toolNames = new Map<string, string>();

  for (const { seq, message } of entries) {
    if (!isObj(message)) continue;
    const type = message['type'];
    const subtype = str(message['subtype']);

    if (type === 'system' && subtype === 'init') {
      const servers = Array.isArray(message['mcp_servers']) ? message['mcp_servers'] : [];
      items.push({
        kind: 'init',
        key: `${seq}`,
        model: str(message['model']),
        tools: Array.isArray(message['tools']) ? message['tools'].length : 0,
        mcpServers: servers
          .filter(isObj)
          .map((s) => ({ name: str(s['name']) ?? '?', status: str(s['status']) ?? '?' })),
      });
    } else if (type === 'system' && subtype === 'api_retry') {
      const status = num(message['error_status']);
      const error = str(message['error']);
      items.push({
        kind: 'retry',
        key: `${seq}`,
        attempt: num(message['attempt']) ?? 0,
        maxRetries: num(message['max_retries']) ?? 0,
        delayMs: num(message['retry_delay_ms']) ?? 0,
        reason: [status !== null ? `HTTP ${status}` : 'no response', error].filter(Boolean).join(', '),
      });
    } else if (type === 'assistant') {
      contentBlocks(message).forEach((block, i) => {
        if (!isObj(block)) return;
        const key = `${seq}:${i}`;
        if (block['type'] === 'text') {
          const text = str(block['text']) ?? '';
          if (text.trim() !== '') items.push({ kind: 'text', key, text });
        } else if (block['type'] === 'thinking') {
          const text = str(block['thinking']) ?? '';
          if (text.trim() !== '') items.push({ kind: 'thinking', key, text });
        } else if (block['type'] === 'tool_use') {
          const id = str(block['id']) ?? key;
          const name = str(block['name']) ?? 'tool';
          toolNames.set(id, name);
          items.push({
            kind: 'tool-call',
            key,
            id,
            name,
            summary: summarizeToolInput(name, block['input']),
            input: block['input'],
          });
        }
      });
    } else if (type === 'user') {
      contentBlocks(message).forEach((block, i) => {
        if (!isObj(block)) return;
        const key = `${seq}:${i}`;
        if (block['type'] === 'tool_result') {
          const id = str(block['tool_use_id']);
          items.push({
            kind: 'tool-result',
            key,
            toolName: id ? (toolNames.get(id) ?? null) : null,
            text: toolResultText(block['content']),
            isError: block['is_error'] === true,
          });
        } else if (block['type'] === 'text') {
          const text = str(block['text']) ?? '';
          if (text.trim() !== '') items.push({ kind: 'user', key, text });
        }
      });
    } else if (type === 'result') {
      const errors = Array.isArray(message['errors'])
        ? message['errors'].filter((e) => typeof e === 'string')
        : [];
      const text = str(message['result']) ?? errors.join('\n');
      // The result repeats the agent's last words; show them once.
      const lastText = items.findLast((item) => item.kind === 'text');
      items.push({
        kind: 'result',
        key: `${seq}`,
        isError: message['is_error'] === true || (subtype !== null && subtype !== 'success'),
        subtype: subtype ?? 'unknown',
        text: lastText?.kind === 'text' && lastText.text.trim() === text.trim() ? '' : text,
        costUsd: num(message['total_cost_usd']),
        numTurns: num(message['num_turns']),
        durationMs: num(message['duration_ms']),
      });
    } else if (type === 'system' && subtype !== null && subtype !== 'status') {
      items.push({ kind: 'notice', key: `${seq}`, text: subtype.replace(/_/g, ' ') });
    }
  }
  return items;
}

/** One field of a tool call's input, as the transcript shows it. */
export interface InputField {
  key: string;
  /** Strings as they are (a file's content keeps its lines); anything else as JSON. */
  value: string;
  multiline: boolean;
}

export function toolInputFields(input: unknown): InputField[] {
  if (!isObj(input))
    return input === undefined
      ? []
      : [{ key: 'input', value: JSON.stringify(input, null, 2), multiline: true }];
  return Object.entries(input).map(([key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    return { key, value: text, multiline: text.includes('\n') };
  });
}
