import { describe, expect, it } from 'vitest';
import { defaultConcurrency, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({ HOME: '/home/u' });
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(7420);
    expect(config.executor).toBe('local');
    expect(config.maxAgents).toBe(16);
    expect(config.namespace).toBe('backend');
    expect(config.storage.endsWith('/code/claude-storage')).toBe(true);
  });
  it('flags win over the environment', () => {
    expect(loadConfig({ FANOUT_PORT: '1' }, { port: '8080' }).port).toBe(8080);
    expect(loadConfig({}, { 'max-agents': '4' }).maxAgents).toBe(4);
  });
  it('names the bad setting in one line', () => {
    expect(() => loadConfig({ FANOUT_PORT: 'abc' })).toThrow(/^FANOUT_PORT: must be an integer/);
    expect(() => loadConfig({ FANOUT_EXECUTOR: 'docker' })).toThrow(
      /^FANOUT_EXECUTOR: must be local or kubernetes/,
    );
    expect(() => loadConfig({ FANOUT_MAX_AGENTS: '0' })).toThrow(/^FANOUT_MAX_AGENTS/);
  });
  it('refuses a non-loopback address without a token', () => {
    expect(() => loadConfig({ FANOUT_HOST: '0.0.0.0' })).toThrow(/FANOUT_API_TOKEN/);
    expect(loadConfig({ FANOUT_HOST: '0.0.0.0', FANOUT_API_TOKEN: 'x'.repeat(32) }).apiToken).toBe(
      'x'.repeat(32),
    );
  });
  it('sizes concurrency from cores and memory', () => {
    expect(defaultConcurrency(2, 24 * 1024 ** 3)).toBe(4);
    expect(defaultConcurrency(64, 2 * 1024 ** 3)).toBe(3);
    expect(defaultConcurrency(1, 100)).toBe(1);
  });
});
