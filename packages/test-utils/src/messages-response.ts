/** Messages API response bodies in the exact shapes of the real API: JSON, SSE stream, error. Pure. */

export interface ReplyUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
}

export type ReplyBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface Reply {
  id: string;
  model: string;
  content: ReplyBlock[];
  stopReason: 'end_turn' | 'tool_use';
  usage: ReplyUsage;
}

/** How many `input_json_delta` chunks a tool input is cut into, like the real API streams it. */
const JSON_CHUNKS = 3;

export function messageJson(reply: Reply): Record<string, unknown> {
  return {
    ...messageHead(reply),
    content: reply.content,
    stop_reason: reply.stopReason,
    usage: { ...startUsage(reply.usage), output_tokens: reply.usage.outputTokens },
  };
}

/** The full SSE body, one string per event, each ending in a blank line. */
export function messageSseEvents(reply: Reply): string[] {
  const events: string[] = [
    sse('message_start', {
      message: { ...messageHead(reply), content: [], stop_reason: null, usage: startUsage(reply.usage) },
    }),
    sse('ping', {}),
  ];
  reply.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(sse('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const text of splitText(block.text, JSON_CHUNKS)) {
        events.push(sse('content_block_delta', { index, delta: { type: 'text_delta', text } }));
      }
    } else {
      events.push(
        sse('content_block_start', {
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        }),
      );
      for (const partial_json of splitText(JSON.stringify(block.input), JSON_CHUNKS)) {
        events.push(sse('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }));
      }
    }
    events.push(sse('content_block_stop', { index }));
  });
  events.push(
    sse('message_delta', {
      delta: { stop_reason: reply.stopReason, stop_sequence: null },
      usage: { output_tokens: reply.usage.outputTokens },
    }),
    sse('message_stop', {}),
  );
  return events;
}

/** Body of an HTTP error response (`{type: 'error', error: {type, message}}`). */
export function errorJson(type: string, message: string, requestId: string): Record<string, unknown> {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/** The error type the real API uses for a status, when a step does not name one. */
export function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

export function sse(event: string, data: Record<string, unknown>): string {
  return `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;
}

function messageHead(reply: Reply): Record<string, unknown> {
  return { id: reply.id, type: 'message', role: 'assistant', model: reply.model, stop_sequence: null };
}

function startUsage(usage: ReplyUsage): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheCreationInputTokens ?? 0,
    cache_read_input_tokens: usage.cacheReadInputTokens ?? 0,
    output_tokens: 1,
    service_tier: 'standard',
  };
}

/** Cuts text into at most `parts` non-empty pieces (one empty piece for empty text). */
function splitText(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length > 0 ? pieces : [''];
}
