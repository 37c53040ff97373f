import { describe, expect, it } from 'vitest';
import { parseAgentIndex, parseInteger, parseRunId, readPrompt } from './arguments.js';
import { CliError, EXIT } from './cli-error.js';

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(CliError.isInstance(error)).toBe(true);
    expect((error as CliError).exitCode).toBe(EXIT.usage);
    return (error as CliError).message;
  }
  throw new Error('expected a usage error');
}

describe('parseInteger', () => {
  it('reads integers, leaving limits it is not given to the server', () => {
    expect(parseInteger('agents', '3')).toBe(3);
    expect(parseInteger('agents', ' 16 ')).toBe(16);
    expect(parseInteger('agents', '0')).toBe(0);
  });

  it('refuses what is not an integer, naming the field', () => {
    expect(usageMessage(() => parseInteger('agents', 'abc'))).toBe('agents: must be an integer (got "abc")');
    expect(usageMessage(() => parseInteger('agents', '1.5'))).toMatch(/^agents: must be an integer/);
    expect(usageMessage(() => parseInteger('agents', ''))).toMatch(/^agents: /);
    expect(usageMessage(() => parseInteger('agents', '1e3'))).toMatch(/^agents: /);
    expect(usageMessage(() => parseInteger('agents', '99999999999999999999'))).toMatch(/^agents: /);
  });

  it('checks the limits it is given', () => {
    expect(parseInteger('limit', '200', { min: 1, max: 200 })).toBe(200);
    expect(usageMessage(() => parseInteger('limit', '0', { min: 1, max: 200 }))).toBe(
      'limit: must be an integer from 1 to 200 (got 0)',
    );
    expect(usageMessage(() => parseInteger('limit', 'x', { min: 1 }))).toBe(
      'limit: must be an integer of at least 1 (got "x")',
    );
  });
});

describe('parseAgentIndex', () => {
  it('takes an index or a branch name', () => {
    expect(parseAgentIndex('0')).toBe(0);
    expect(parseAgentIndex('12')).toBe(12);
    expect(parseAgentIndex('agent-3')).toBe(3);
  });

  it('refuses anything else', () => {
    for (const text of ['-1', 'a', 'agent-', 'agent-x', '1.0', '']) {
      expect(usageMessage(() => parseAgentIndex(text))).toMatch(/^agent: /);
    }
  });
});

describe('parseRunId and readPrompt', () => {
  it('passes ids on for the server to judge, but not empty ones', () => {
    expect(parseRunId(' 01jz0000000000000000000000 ')).toBe('01jz0000000000000000000000');
    expect(usageMessage(() => parseRunId(' '))).toMatch(/^run: /);
  });

  it('reads the prompt from standard input for "-"', async () => {
    expect(await readPrompt('do it', () => Promise.reject(new Error('not read')))).toBe('do it');
    expect(await readPrompt('-', () => Promise.resolve('from stdin\n'))).toBe('from stdin\n');
    await expect(readPrompt('  ', () => Promise.resolve(''))).rejects.toThrow('prompt: must not be empty');
    await expect(readPrompt('-', () => Promise.resolve('\n'))).rejects.toThrow(
      'prompt: standard input was empty',
    );
  });
});
