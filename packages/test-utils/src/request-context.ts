/** What a Messages API request says about who sent it and how far its conversation is. Pure. */

export interface RequestContext {
  /** `Primary working directory` from Claude Code's environment block, or null when absent. */
  cwd: string | null;
  /** N when the cwd's last segment is `agent-N`, else null. */
  agent: number | null;
  /** Assistant messages already in the conversation: 0 for the first turn of a main conversation. */
  assistantTurns: number;
  /**
   * True for a turn of the main conversation: it offers tools and is not a subagent's (whose system prompt
   * says `cc_is_subagent=true`). False for side requests: titles, quota checks, summaries, subagents.
   */
  main: boolean;
  stream: boolean;
  /** The requested model id, or null. */
  model: string | null;
}

const CWD_PATTERN = /Primary working directory: ([^\n]+)/;
const AGENT_PATTERN = /[/\\]agent-(\d+)$/;
const SUBAGENT_MARK = /\bcc_is_subagent=true\b/;

export function readRequestContext(body: unknown): RequestContext {
  const request = isRecord(body) ? body : {};
  const messages = Array.isArray(request['messages']) ? request['messages'] : [];
  const cwd = findCwd(textsOf(request['system'])) ?? findCwdInMessages(messages);
  const agentMatch = cwd === null ? null : AGENT_PATTERN.exec(cwd.replace(/[/\\]+$/, ''));
  const tools = request['tools'];
  return {
    cwd,
    agent: agentMatch?.[1] === undefined ? null : Number(agentMatch[1]),
    assistantTurns: messages.filter((m) => isRecord(m) && m['role'] === 'assistant').length,
    main:
      Array.isArray(tools) &&
      tools.length > 0 &&
      !textsOf(request['system']).some((t) => SUBAGENT_MARK.test(t)),
    stream: request['stream'] === true,
    model: typeof request['model'] === 'string' ? request['model'] : null,
  };
}

function findCwdInMessages(messages: unknown[]): string | null {
  for (const message of messages) {
    if (isRecord(message) && message['role'] === 'user') {
      const cwd = findCwd(textsOf(message['content']));
      if (cwd !== null) return cwd;
    }
  }
  return null;
}

function findCwd(texts: string[]): string | null {
  for (const text of texts) {
    const found = CWD_PATTERN.exec(text)?.[1]?.trim();
    if (found) return found;
  }
  return null;
}

/** The texts of a string or of the text blocks in a content list. */
function textsOf(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((block) =>
    isRecord(block) && block['type'] === 'text' && typeof block['text'] === 'string' ? [block['text']] : [],
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
