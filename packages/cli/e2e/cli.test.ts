import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPaths, type Run, type RunList } from '@fanout/shared';
import {
  REPO_ROOT,
  TEST_MODEL,
  claudeEnvFor,
  freePort,
  scriptByPrompt,
  steps,
  startOrchestratorProcess,
  startScriptedModel,
  waitForRun,
  type OrchestratorProcess,
  type ScriptedModel,
  type Step,
} from '@fanout/test-utils';

const CLI = join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `fanout` bin as a person's shell would, without a terminal. */
function fanout(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const base = { ...process.env };
    delete base.FANOUT_SERVER;
    delete base.FANOUT_API_TOKEN;
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const { write, text } = steps;

/** Scripts keyed by a word in the prompt, so one model server serves every test of this file. */
const scripts: Record<string, (agent: number) => Step[]> = {
  'two-files': (i) => [write(`file-${i}.txt`, `agent ${i} was here\n`), text(`wrote file-${i}`)],
  fails: () => [
    { kind: 'error', status: 400, message: 'prompt is too long: 300000 tokens > 200000 maximum' },
  ],
  hangs: () => [{ kind: 'hang', ms: 120_000 }],
  'same-file': (i) => [write('same.txt', `agent ${i}\n`), text('done')],
};

let model: ScriptedModel;
let orchestrator: OrchestratorProcess;
let server: string[];

beforeAll(async () => {
  model = await startScriptedModel({ script: scriptByPrompt(scripts) });
  orchestrator = await startOrchestratorProcess({ env: { ...claudeEnvFor(model), FANOUT_CONCURRENCY: '4' } });
  server = ['--server', orchestrator.url];
});

afterAll(async () => {
  await orchestrator?.close();
  await model?.close();
});

function runIdIn(text: string): string {
  const id = /run ([0-9a-z]{26})/.exec(text)?.[1];
  expect(id, text).toBeDefined();
  return id!;
}

describe('fanout CLI against the real orchestrator, worker and Claude Code', () => {
  let runId: string;

  it('run: shows progress, then the table with both branches succeeded, and exits 0', async () => {
    const result = await fanout([
      'run',
      '[two-files] each agent writes its own file',
      '-n',
      '2',
      '--model',
      TEST_MODEL,
      ...server,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    runId = runIdIn(result.stdout);
    const out = result.stdout;
    expect(out).toContain(`run ${runId}: 2 agents on ${TEST_MODEL}`);
    // Not a terminal: plain lines on status changes, no escape codes.
    expect(out).not.toContain('\u001b[');
    expect(out).toMatch(/^agent-0 +queued/m);
    expect(out).toMatch(/^agent-1 +succeeded +\d+ turns +\$\d/m);
    expect(out).toMatch(/^BRANCH +STATUS +FILES +\+\/- +TURNS +COST +TIME +ERROR$/m);
    expect(out).toMatch(/^agent-0 +succeeded +1 +\+1 -0 /m);
    expect(out).toMatch(/^agent-1 +succeeded +1 +\+1 -0 /m);
    expect(out).toContain(`run ${runId} succeeded: 2 of 2 agents succeeded`);
    expect(out).toContain(`cd run-${runId}/repo && git branch && git diff main..agent-0`);
    // The printed git commands are true in the server's storage folder.
    const repo = runPaths(orchestrator.storage, runId).repo;
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    expect(git('branch', '--format=%(refname:short)').split('\n').filter(Boolean).sort()).toEqual([
      'agent-0',
      'agent-1',
      'main',
    ]);
    expect(git('diff', '--name-only', 'main..agent-0').trim()).toBe('file-0.txt');
  });

  it('run --json: prints the final run object', async () => {
    const result = await fanout([
      '--json',
      'run',
      '[two-files] json',
      '-n',
      '1',
      '--model',
      TEST_MODEL,
      '--budget',
      '5',
      ...server,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout) as Run;
    expect(run.status).toBe('succeeded');
    expect(run.budgetUsd).toBe(5);
    expect(run.agents.map((a) => a.status)).toEqual(['succeeded']);
  });

  it('ls, show, diff and logs work on a finished run', async () => {
    const ls = await fanout(['ls', ...server]);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/^ID +STATUS +AGENTS +AGE +COST +PROMPT$/m);
    expect(ls.stdout).toMatch(new RegExp(`^${runId} +succeeded +2 .*\\[two-files\\] each agent`, 'm'));
    const lsJson = JSON.parse((await fanout(['ls', '--json', '--limit', '1', ...server])).stdout) as RunList;
    expect(lsJson.runs).toHaveLength(1);
    expect(lsJson.nextCursor).not.toBeNull();

    const show = await fanout(['show', runId, ...server]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^status +succeeded$/m);
    expect(show.stdout).toMatch(/^agent-1 +succeeded /m);
    expect((JSON.parse((await fanout(['show', runId, '--json', ...server])).stdout) as Run).id).toBe(runId);

    const diff = await fanout(['diff', runId, 'agent-1', ...server]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('+++ b/file-1.txt');
    expect(diff.stdout).toContain('+agent 1 was here');
    expect(diff.stdout).not.toContain('\u001b[');

    const logs = await fanout(['logs', runId, '0', ...server]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^── session started/m);
    expect(logs.stdout).toMatch(/^● Write\(.*file-0\.txt \(1 line\)\)$/m);
    expect(logs.stdout).toMatch(/^● wrote file-0$/m);
    expect(logs.stdout).toMatch(/^── result: success · \d+ turns · \$/m);

    const raw = await fanout(['logs', runId, '0', '--json', ...server]);
    const messages = raw.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(messages[0]?.type).toBe('system');
    expect(messages.at(-1)?.type).toBe('result');

    const followed = await fanout(['logs', runId, '0', '--follow', ...server]);
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toBe(logs.stdout);
  });

  it('a run whose agent fails exits 1 and shows the error', async () => {
    const result = await fanout(['run', '[fails] write ok', '-n', '1', '--model', TEST_MODEL, ...server]);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^agent-0 +failed .*model_error: prompt is too long/im);
    expect(result.stdout).toMatch(/run [0-9a-z]{26} failed: 0 of 1 agents succeeded/);
  });

  it('run --detach returns at once; cancel stops the run, and again once finished is an error', async () => {
    const started = await fanout([
      'run',
      '[hangs] wait',
      '-n',
      '1',
      '--detach',
      '--model',
      TEST_MODEL,
      ...server,
    ]);
    expect(started.code, started.stderr).toBe(0);
    const id = runIdIn(started.stdout);
    await waitForRun(orchestrator.url, id, (run) => run.agents[0]?.status === 'running');
    const cancel = await fanout(['cancel', id, ...server]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`cancelling run ${id}`);
    const run = await waitForRun(orchestrator.url, id);
    expect(run.status).toBe('cancelled');
    const again = await fanout(['cancel', id, ...server]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^fanout: run .* has already finished \(cancelled\)\n$/);
  });

  it('scorecard ranks the agents; merge merges one into main, and a conflict exits 1 naming the file', async () => {
    const created = await fanout([
      'run',
      '[same-file] both write same.txt',
      '-n',
      '2',
      '--model',
      TEST_MODEL,
      ...server,
    ]);
    expect(created.code, created.stdout).toBe(0);
    const id = runIdIn(created.stdout);
    const repo = runPaths(orchestrator.storage, id).repo;
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

    const card = await fanout(['scorecard', id, ...server]);
    expect(card.code, card.stderr).toBe(0);
    expect(card.stdout).toMatch(/^RANK +BRANCH +STATUS +CHECK +FILES +LINES +COST +TIME +TURNS$/m);
    const ranked = [...card.stdout.matchAll(/^ +(\d) +agent-(\d) +succeeded +– +1 +1 +\$/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(ranked.map(([rank]) => rank)).toEqual(['1', '2']);
    const best = ranked[0]![1];
    expect(card.stdout).toContain(`best: agent-${best}; keep it with: fanout merge ${id} ${best}`);
    const cardJson = await fanout(['--json', 'scorecard', id, ...server]);
    expect(JSON.parse(cardJson.stdout)).toMatchObject({
      runId: id,
      final: true,
      agents: [{ rank: 1 }, { rank: 2 }],
    });

    const first = await fanout(['merge', id, 'agent-0', ...server]);
    expect(first.code, first.stderr).toBe(0);
    const main = git('rev-parse', 'main');
    expect(first.stdout).toContain(
      `merged agent-0 into main of run ${id} (main is now ${main.slice(0, 12)})`,
    );
    expect(git('show', 'main:same.txt')).toBe('agent 0');

    const conflict = await fanout(['merge', id, '1', ...server]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toBe(
      'fanout: agent-1 conflicts with main in 1 file: same.txt; main is unchanged\n',
    );
    expect(git('rev-parse', 'main')).toBe(main);

    const json = await fanout(['--json', 'merge', id, '0', ...server]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      agent: 0,
      into: 'main',
      branch: 'main',
      commit: main,
      changed: false,
    });

    const badTarget = await fanout(['merge', id, '0', '--into', 'trunk', ...server]);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toBe('fanout: into: must be main or base (got "trunk")\n');
    const noBase = await fanout(['merge', id, '0', '--into', 'base', ...server]);
    expect(noBase.code).toBe(2);
    expect(noBase.stderr).toMatch(/^fanout: into: the run did not start from a base repository/);
  });

  it('bad input, an unreachable server and an unknown run: one line on stderr, non-zero exit', async () => {
    const bad = await fanout(['run', 'x', '-n', '0', ...server]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^fanout: agents: must be an integer from 1 to \d+\n$/);
    expect(bad.stdout).toBe('');

    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await fanout(['ls'], { FANOUT_SERVER: nowhere });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(
      `fanout: cannot reach the fanout server at ${nowhere}: connection refused (is it running? start it with npm start)\n`,
    );

    const unknown = await fanout(['show', 'no-such-run', ...server]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('fanout: no run with id "no-such-run"\n');
  });
});
