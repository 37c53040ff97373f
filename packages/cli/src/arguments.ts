import { usageError } from './cli-error.js';

/**
 * Pure parsers for the values of flags and arguments. They check the syntax; limits that depend on the
 * server (e.g. the largest number of agents) are left to the server, whose message names them.
 */

const INTEGER = /^-?\d+$/;

/** An integer flag or argument; `field` names it in the message (`agents: must be an integer`). */
export function parseInteger(
  field: string,
  text: string,
  range: { min?: number; max?: number } = {},
): number {
  const value = Number(text.trim());
  const { min, max } = range;
  const bounds =
    min !== undefined && max !== undefined
      ? ` from ${min} to ${max}`
      : min !== undefined
        ? ` of at least ${min}`
        : max !== undefined
          ? ` of at most ${max}`
          : '';
  if (!INTEGER.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw usageError(`${field}: must be an integer${bounds} (got ${JSON.stringify(text)})`);
  }
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    throw usageError(`${field}: must be an integer${bounds} (got ${value})`);
  }
  return value;
}

/** An amount of US dollars such as `5` or `0.50`; the server checks its limits. */
export function parseDollars(field: string, text: string): number {
  const trimmed = text.trim().replace(/^\$/, '');
  if (!/^\d+(\.\d+)?$/.test(trimmed)) {
    throw usageError(
      `${field}: must be an amount of US dollars such as 5 or 0.50 (got ${JSON.stringify(text)})`,
    );
  }
  return Number(trimmed);
}

/** A flag that may be given more than once (`--copy a --copy b`): every value, in order. */
export function collectValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** An agent given as its index (`0`) or its branch (`agent-0`). */
export function parseAgentIndex(text: string): number {
  const match = /^(?:agent-)?(\d{1,4})$/.exec(text.trim());
  if (!match?.[1]) {
    throw usageError(
      `agent: must be an agent index such as 0, or its branch such as agent-0 (got ${JSON.stringify(text)})`,
    );
  }
  return Number(match[1]);
}

/** A run id as typed; the server decides whether it names a run. */
export function parseRunId(text: string): string {
  const id = text.trim();
  if (id === '') throw usageError('run: must be a run id (see fanout ls)');
  return id;
}

/** The prompt of `fanout run`: the argument itself, or standard input when it is `-`. */
export async function readPrompt(argument: string, readStdin: () => Promise<string>): Promise<string> {
  const prompt = argument === '-' ? await readStdin() : argument;
  if (prompt.trim() === '') {
    throw usageError(argument === '-' ? 'prompt: standard input was empty' : 'prompt: must not be empty');
  }
  return prompt;
}
