import { describe, expect, it } from 'vitest';
import { ConfigError, parseWorkerConfig } from './config.js';

const ID = '01jabcdefghjkmnpqrstvwxyz0';
const good = {
  AGENT_WORKTREE_PATH: `/s/run-${ID}/agent-2/`,
  AGENT_BRANCH: 'agent-2',
  FANOUT_RUN_DIR: `/s/run-${ID}`,
  FANOUT_RUN_ID: ID,
  FANOUT_AGENT_INDEX: '2',
  ANTHROPIC_API_KEY: 'sk-secret',
};

describe('parseWorkerConfig', () => {
  it('reads the executor-set variables', () => {
    expect(parseWorkerConfig(good)).toEqual({
      worktree: `/s/run-${ID}/agent-2`,
      branch: 'agent-2',
      runDir: `/s/run-${ID}`,
      runId: ID,
      agentIndex: 2,
    });
  });

  it.each([
    [{ AGENT_WORKTREE_PATH: undefined }, 'AGENT_WORKTREE_PATH: is not set'],
    [{ AGENT_WORKTREE_PATH: 'relative/agent-2' }, 'AGENT_WORKTREE_PATH: must be an absolute path'],
    [{ FANOUT_AGENT_INDEX: '02' }, 'FANOUT_AGENT_INDEX: must be an agent index'],
    [{ FANOUT_AGENT_INDEX: '-1' }, 'FANOUT_AGENT_INDEX: must be an agent index'],
    [{ FANOUT_RUN_ID: '../x' }, 'FANOUT_RUN_ID: must be a run id'],
    [{ FANOUT_RUN_DIR: '/s/elsewhere' }, 'FANOUT_RUN_DIR: must be the run directory'],
  ])('refuses %o with one line naming the variable', (change, message) => {
    const env: Record<string, string | undefined> = { ...good, ...change };
    expect(() => parseWorkerConfig(env)).toThrow(ConfigError);
    expect(() => parseWorkerConfig(env)).toThrow(message);
  });

  it('never echoes other variables', () => {
    try {
      parseWorkerConfig({ ...good, AGENT_BRANCH: '' });
    } catch (error) {
      expect(String(error)).not.toContain('sk-secret');
      expect(String(error)).not.toContain('\n');
    }
  });
});
