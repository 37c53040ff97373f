import { describe, expect, it } from 'vitest';
import { makeRun, RUN_ID } from '../testing/run-fixtures';
import { gitCommands } from './git-commands';

describe('gitCommands', () => {
  it('names the run repo and the agent branches', () => {
    expect(gitCommands(makeRun(3))).toEqual([
      `cd ~/code/claude-storage/run-${RUN_ID}/repo`,
      'git branch',
      'git log --oneline main..agent-0',
      'git diff main..agent-0',
      'git diff agent-0 agent-1',
    ]);
  });

  it('uses the given storage and leaves out the comparison for one agent', () => {
    const commands = gitCommands(makeRun(1), '/srv/runs/');
    expect(commands[0]).toBe(`cd /srv/runs/run-${RUN_ID}/repo`);
    expect(commands).not.toContain('git diff agent-0 agent-1');
  });
});
