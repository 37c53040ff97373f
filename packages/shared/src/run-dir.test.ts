import { describe, expect, it } from 'vitest';
import { checkResultSchema } from './check.js';
import { resultFileSchema, runFileSchema } from './run-dir.js';

const RUN_FILE = {
  version: 1,
  id: '01jz0000000000000000000000',
  createdAt: '2025-01-01T00:00:00.000Z',
  prompt: 'p',
  agents: 1,
  model: null,
  models: [null],
  baseRepo: null,
  baseRef: null,
  baseCommit: 'abc',
  maxTurns: null,
  timeoutSeconds: 600,
  runDir: '/runs/run-01jz0000000000000000000000',
};

const RESULT_FILE = {
  status: 'succeeded',
  startedAt: null,
  finishedAt: '2025-01-01T00:01:00.000Z',
  commit: 'def',
  diffStat: { files: 1, insertions: 1, deletions: 0 },
  usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheCreationTokens: 0 },
  costUsd: null,
  numTurns: 1,
  writtenBy: 'worker',
};

describe('run.json', () => {
  it('reads a run made before checks existed as one without a check', () => {
    expect(runFileSchema.parse(RUN_FILE).check).toBeNull();
  });
  it('keeps the check command', () => {
    expect(runFileSchema.parse({ ...RUN_FILE, check: 'npm test' }).check).toBe('npm test');
  });
});

describe('result.json check', () => {
  it('is optional, and holds a check result when present', () => {
    expect(resultFileSchema.parse(RESULT_FILE).check).toBeUndefined();
    const check = { status: 'failed', exitCode: 1, durationMs: 12, output: 'no\n' };
    expect(resultFileSchema.parse({ ...RESULT_FILE, check }).check).toEqual(check);
  });
  it('refuses a check result with an unknown status', () => {
    expect(
      checkResultSchema.safeParse({ status: 'ok', exitCode: 0, durationMs: 1, output: '' }).success,
    ).toBe(false);
    expect(
      checkResultSchema.safeParse({
        status: 'error',
        exitCode: null,
        durationMs: 1,
        output: '',
        message: 'timed out',
      }).success,
    ).toBe(true);
  });
});

describe('run.json setup and copyFiles', () => {
  it('reads an older run as one without setup or copied files', () => {
    const run = runFileSchema.parse(RUN_FILE);
    expect(run.setup).toBeNull();
    expect(run.copyFiles).toEqual([]);
  });
  it('keeps them', () => {
    const run = runFileSchema.parse({ ...RUN_FILE, setup: 'npm ci', copyFiles: ['.env'] });
    expect(run.setup).toBe('npm ci');
    expect(run.copyFiles).toEqual(['.env']);
  });
});
