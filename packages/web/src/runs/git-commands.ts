import type { Run } from '@fanout/shared';

/** Where runs live when the server does not say (the documented default of FANOUT_STORAGE). */
export const DEFAULT_STORAGE = '~/code/claude-storage';

/** Plain git commands that inspect a run from the host, one per line. */
export function gitCommands(run: Pick<Run, 'id' | 'agents'>, storage: string = DEFAULT_STORAGE): string[] {
  const repo = `${storage.replace(/\/+$/, '')}/run-${run.id}/repo`;
  const branches = run.agents.map((a) => a.branch);
  const first = branches[0] ?? 'agent-0';
  const commands = [
    `cd ${repo}`,
    'git branch',
    `git log --oneline main..${first}`,
    `git diff main..${first}`,
  ];
  const second = branches[1];
  if (second !== undefined) commands.push(`git diff ${first} ${second}`);
  return commands;
}
