import { execFileSync } from 'node:child_process';
import type { RecordedRequest, Script, Step } from '@fanout/test-utils';

/**
 * The work every benchmarked agent does, the same in fanout and on the floor: several tool calls (Write,
 * Read, Edit), a commit through the Bash tool, then a final answer. Every answer of the scripted model waits
 * `delayMs` first, standing in for the model's own time.
 */
export const WORK_PROMPT = 'Write notes.md with two lines, check it, and commit it.';
export const WORK_COMMIT_SUBJECT = 'bench: notes';
/** Main-conversation turns of the work: four tool turns and the final answer. */
export const WORK_TURNS = 5;

function workSteps(cwd: string): Step[] {
  const file = `${cwd}/notes.md`;
  return [
    { kind: 'tool', calls: [{ name: 'Write', input: { file_path: file, content: 'line 1\n' } }] },
    { kind: 'tool', calls: [{ name: 'Read', input: { file_path: file } }] },
    {
      kind: 'tool',
      calls: [
        { name: 'Edit', input: { file_path: file, old_string: 'line 1\n', new_string: 'line 1\nline 2\n' } },
      ],
    },
    {
      kind: 'tool',
      calls: [
        {
          name: 'Bash',
          input: {
            command: `git add -A && git commit -q -m "${WORK_COMMIT_SUBJECT}"`,
            description: 'commit',
          },
        },
      ],
    },
    { kind: 'text', text: 'Wrote notes.md and committed it.' },
  ];
}

export function workScript(delayMs: number): Script {
  return (ctx) => {
    const step = workSteps(ctx.cwd ?? '.')[ctx.step] ?? { kind: 'text', text: 'done' };
    return step.kind === 'hang' ? step : { ...step, delayMs };
  };
}

/** Throws unless the scripted model answered every turn of the work for `cwd` once, with no retry. */
export function checkModelTurns(requests: readonly RecordedRequest[], cwd: string): void {
  const turns = requests.filter((r) => r.kind === 'main' && r.cwd === cwd);
  const steps = turns.map((r) => r.step).join(',');
  const expected = Array.from({ length: WORK_TURNS }, (_, i) => i).join(',');
  if (steps !== expected) throw new Error(`${cwd}: the model answered steps [${steps}], not [${expected}]`);
  const bad = turns.find((r) => r.outcome !== 'answered');
  if (bad) throw new Error(`${cwd}: step ${bad.step} was not answered (${bad.outcome})`);
}

/**
 * Throws unless the branch head in `repo` is the agent's own commit of the work: authored by
 * `agent-<n>`, with the bench's subject, adding notes.md with its two lines.
 */
export function checkAgentCommit(repo: string, ref: string, index: number): void {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const head = git('log', '-1', '--format=%an%x09%s', ref);
  if (head !== `agent-${index}\t${WORK_COMMIT_SUBJECT}`) {
    throw new Error(
      `${repo} ${ref}: the head commit is "${head}", not agent-${index}'s "${WORK_COMMIT_SUBJECT}"`,
    );
  }
  const notes = git('show', `${ref}:notes.md`);
  if (notes !== 'line 1\nline 2') throw new Error(`${repo} ${ref}: notes.md holds ${JSON.stringify(notes)}`);
}
