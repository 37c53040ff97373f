import { describe, expect, it } from 'vitest';
import { runFixture } from '../test-fixtures.js';
import { buildRunRequest, exitCodeFor } from './run.js';

describe('buildRunRequest', () => {
  it('sends only what was given, numbers as JSON integers', () => {
    expect(buildRunRequest('do it', { agents: '3' }, '/home/me')).toEqual({ prompt: 'do it', agents: 3 });
    expect(
      buildRunRequest(
        'do it',
        { agents: '2', model: 'm', baseRepo: '/abs/repo', baseRef: 'v1', maxTurns: '20', timeout: '600' },
        '/home/me',
      ),
    ).toEqual({
      prompt: 'do it',
      agents: 2,
      model: 'm',
      baseRepo: '/abs/repo',
      baseRef: 'v1',
      maxTurns: 20,
      timeoutSeconds: 600,
    });
  });

  it('makes a relative --base-repo absolute from the current directory', () => {
    expect(buildRunRequest('p', { agents: '1', baseRepo: '../proj' }, '/home/me/work').baseRepo).toBe(
      '/home/me/proj',
    );
  });

  it('passes --check on as the check command', () => {
    expect(buildRunRequest('p', { agents: '1', check: 'npm test' }, '/')).toEqual({
      prompt: 'p',
      agents: 1,
      check: 'npm test',
    });
  });

  it('passes --budget on as budgetUsd, in dollars', () => {
    expect(buildRunRequest('p', { agents: '4', budget: '2.50' }, '/').budgetUsd).toBe(2.5);
    expect(buildRunRequest('p', { agents: '4', budget: '$3' }, '/').budgetUsd).toBe(3);
    expect(() => buildRunRequest('p', { agents: '1', budget: 'lots' }, '/')).toThrow(
      'budgetUsd: must be an amount of US dollars such as 5 or 0.50 (got "lots")',
    );
  });

  it('passes --setup on as setup, and every --copy, in order, as copyFiles', () => {
    expect(
      buildRunRequest('p', { agents: '1', setup: 'npm ci', copy: ['.env', 'config/local.json'] }, '/'),
    ).toEqual({ prompt: 'p', agents: 1, setup: 'npm ci', copyFiles: ['.env', 'config/local.json'] });
  });

  it('refuses numbers that are not integers, naming the API field', () => {
    expect(() => buildRunRequest('p', { agents: 'three' }, '/')).toThrow(
      'agents: must be an integer (got "three")',
    );
    expect(() => buildRunRequest('p', { agents: '1', maxTurns: '2.5' }, '/')).toThrow(/^maxTurns: /);
    expect(() => buildRunRequest('p', { agents: '1', timeout: '10m' }, '/')).toThrow(/^timeoutSeconds: /);
  });
});

describe('exitCodeFor', () => {
  it('is 0 only when the run succeeded', () => {
    expect(exitCodeFor(runFixture({ status: 'succeeded' }))).toBe(0);
    for (const status of ['partial', 'failed', 'cancelled'] as const) {
      expect(exitCodeFor(runFixture({ status }))).toBe(1);
    }
  });
});
