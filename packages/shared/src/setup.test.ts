import { describe, expect, it } from 'vitest';
import { runRequestSchema } from './run-request.js';
import { copyPathProblem, normalizeCopyPath } from './setup.js';

const schema = runRequestSchema(16);
const BASE = { prompt: 'p', agents: 1, baseRepo: '/srv/repo' };

/** The first problem with `body`, as the API names it: "<field>: <reason>". */
function firstIssue(body: unknown): string {
  const parsed = schema.safeParse(body);
  if (parsed.success) throw new Error('expected the request to be refused');
  const issue = parsed.error.issues[0];
  return `${issue?.path.join('.')}: ${issue?.message}`;
}

describe('runRequestSchema setup', () => {
  it('takes a shell command, trimmed', () => {
    expect(schema.parse({ prompt: 'p', agents: 1, setup: '  npm ci \n' })).toEqual({
      prompt: 'p',
      agents: 1,
      setup: 'npm ci',
    });
  });
  it('refuses an empty, too long or non-string command, naming the field', () => {
    expect(firstIssue({ prompt: 'p', agents: 1, setup: ' \n' })).toBe('setup: must not be empty');
    expect(schema.safeParse({ prompt: 'p', agents: 1, setup: 'x'.repeat(10_000) }).success).toBe(true);
    expect(firstIssue({ prompt: 'p', agents: 1, setup: 'x'.repeat(10_001) })).toBe(
      'setup: must be at most 10000 characters',
    );
    expect(firstIssue({ prompt: 'p', agents: 1, setup: 42 })).toBe('setup: must be a string');
    expect(firstIssue({ prompt: 'p', agents: 1, setup: null })).toBe('setup: must be a string');
  });
});

describe('runRequestSchema copyFiles', () => {
  it('takes relative paths, normalized and without repeats', () => {
    expect(
      schema.parse({ ...BASE, copyFiles: ['.env', './config//local.json', 'fixtures/', '.env'] }),
    ).toEqual({
      ...BASE,
      copyFiles: ['.env', 'config/local.json', 'fixtures'],
    });
  });
  it('needs baseRepo', () => {
    expect(firstIssue({ prompt: 'p', agents: 1, copyFiles: ['.env'] })).toBe('copyFiles: needs baseRepo');
  });
  it('refuses a bad list, naming the field', () => {
    expect(firstIssue({ ...BASE, copyFiles: [] })).toBe('copyFiles: must name at least one path');
    expect(firstIssue({ ...BASE, copyFiles: '.env' })).toBe('copyFiles: must be an array of paths');
    const many = Array.from({ length: 101 }, (_, i) => `f${i}`);
    expect(firstIssue({ ...BASE, copyFiles: many })).toBe('copyFiles: must name at most 100 paths');
    expect(schema.safeParse({ ...BASE, copyFiles: many.slice(1) }).success).toBe(true);
  });
  it('refuses a bad path, naming its element', () => {
    const inside = 'must be a relative path inside the base repository';
    expect(firstIssue({ ...BASE, copyFiles: ['/etc/passwd'] })).toBe(`copyFiles.0: ${inside}`);
    expect(firstIssue({ ...BASE, copyFiles: ['.env', '../x'] })).toBe(`copyFiles.1: ${inside}`);
    expect(firstIssue({ ...BASE, copyFiles: ['a/../../x'] })).toBe(`copyFiles.0: ${inside}`);
    expect(firstIssue({ ...BASE, copyFiles: [''] })).toBe('copyFiles.0: must not be empty');
    expect(firstIssue({ ...BASE, copyFiles: ['ok', 3] })).toBe('copyFiles.1: must be a string');
    expect(firstIssue({ ...BASE, copyFiles: ['a\0b'] })).toBe('copyFiles.0: must not contain NUL');
    expect(firstIssue({ ...BASE, copyFiles: ['a\nb'] })).toBe('copyFiles.0: must not contain a line break');
    expect(firstIssue({ ...BASE, copyFiles: ['./'] })).toBe(
      'copyFiles.0: must name a file or directory inside the base repository',
    );
    expect(firstIssue({ ...BASE, copyFiles: ['.git/config'] })).toBe('copyFiles.0: must not be inside .git');
    expect(firstIssue({ ...BASE, copyFiles: ['x'.repeat(1025)] })).toBe(
      'copyFiles.0: must be at most 1024 characters',
    );
    expect(copyPathProblem('x'.repeat(1024))).toBeNull();
  });
  it('normalizes a path to the form kept in run.json', () => {
    expect(normalizeCopyPath('./a//b/./c/')).toBe('a/b/c');
    expect(normalizeCopyPath('.env')).toBe('.env');
  });
});
