/**
 * runWorker in this process, with a stand-in for the Agent SDK's query() that plays the agent's part in the
 * worktree directly, and real git in a real run directory: what the worker does with git around the agent.
 * (run-worker.test.ts runs the built worker with the real Claude Code.)
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Options, Query, SDKResultMessage, query } from '@anthropic-ai/claude-agent-sdk/core';
import { resultFileSchema, type ResultFile } from '@fanout/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGit } from './run-git.js';
import { EXIT_RECORDED, runWorker } from './run-agent.js';
import { startGitTrace, type GitTrace } from './testing/git-trace.js';
import { createRunFixture, type RunFixture } from './testing/run-fixture.js';

const CLAUDE = '/opt/claude-code/claude';

const success = {
  type: 'result',
  subtype: 'success',
  is_error: false,
  result: 'Done.',
  num_turns: 2,
  total_cost_usd: 0.01,
  usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
  modelUsage: {},
  errors: [],
  session_id: 'session-1',
} as unknown as SDKResultMessage;

/** git as the agent runs it: its own identity, and left out of the trace, which is for the worker's git. */
async function agentGit(worktree: string, ...args: string[]): Promise<void> {
  const result = await runGit(worktree, args, {
    env: {
      GIT_TRACE: '0',
      GIT_AUTHOR_NAME: 'agent-0',
      GIT_AUTHOR_EMAIL: 'agent-0@fanout.local',
      GIT_COMMITTER_NAME: 'agent-0',
      GIT_COMMITTER_EMAIL: 'agent-0@fanout.local',
    },
  });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
}

describe('runWorker: git around the agent', () => {
  let fixture: RunFixture;
  let trace: GitTrace;
  let log: string[];
  let options: Options[];

  beforeEach(async () => {
    fixture = await createRunFixture();
    log = [];
    options = [];
    trace = await startGitTrace();
  });
  afterEach(async () => {
    await trace.stop();
    await fixture.remove();
  });

  /**
   * Runs the worker with an agent that does `act` in its worktree and then succeeds; gives its result and
   * the git commands it started.
   */
  async function runAgent(
    act: (worktree: string) => Promise<void>,
  ): Promise<{ result: ResultFile; git: string[] }> {
    await trace.take();
    const fakeQuery = (({ options: given }: { options?: Options }) => {
      options.push(given ?? {});
      const messages = (async function* () {
        await act(given?.cwd ?? '');
        yield success;
      })();
      return Object.assign(messages, { close: () => undefined }) as unknown as Query;
    }) as typeof query;
    const code = await runWorker({
      env: fixture.workerEnv(0),
      writeLog: (line) => log.push(line),
      onStopSignal: () => () => undefined,
      query: fakeQuery,
      claudeBinary: () => CLAUDE,
    });
    expect(code, log.join('')).toBe(EXIT_RECORDED);
    const git = await trace.take();
    const result = resultFileSchema.parse(JSON.parse(await readFile(fixture.paths.agent(0).result, 'utf8')));
    return { result, git };
  }

  /** The worker's log lines with message `msg`. */
  function logged(msg: string): Record<string, unknown>[] {
    return log.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === msg);
  }

  it('runs four git commands for an agent that committed its work itself', async () => {
    const { result, git } = await runAgent(async (w) => {
      await writeFile(join(w, 'hello.txt'), 'hello\n');
      await agentGit(w, 'add', '-A');
      await agentGit(w, 'commit', '-q', '-m', 'Add hello');
    });
    const head = await fixture.git(0, 'rev-parse', 'agent-0');
    expect(result).toMatchObject({ status: 'succeeded', commit: head });
    expect(result.diffStat).toEqual({ files: 1, insertions: 1, deletions: 0 });
    expect(git).toEqual([
      'rev-parse --show-toplevel --symbolic-full-name HEAD',
      'rev-parse --absolute-git-dir HEAD --symbolic-full-name HEAD',
      'status --porcelain --untracked-files=all --ignore-submodules=dirty',
      `diff --shortstat ${fixture.baseCommit} ${head} --`,
    ]);
    expect(await fixture.git(0, 'log', '--format=%an|%s', `${fixture.baseCommit}..agent-0`)).toBe(
      'agent-0|Add hello',
    );
    expect(logged('committed uncommitted work')).toEqual([]);
    expect(logged('the worktree is no longer on its branch')).toEqual([]);
  });

  it('runs three for an agent that changed nothing: no diff against the start', async () => {
    const { result, git } = await runAgent(async () => undefined);
    expect(result).toMatchObject({ status: 'succeeded', commit: fixture.baseCommit });
    expect(result.diffStat).toEqual({ files: 0, insertions: 0, deletions: 0 });
    expect(git).toEqual([
      'rev-parse --show-toplevel --symbolic-full-name HEAD',
      'rev-parse --absolute-git-dir HEAD --symbolic-full-name HEAD',
      'status --porcelain --untracked-files=all --ignore-submodules=dirty',
    ]);
  });

  it('commits modified and untracked files the agent left, as before', async () => {
    const { result, git } = await runAgent(async (w) => {
      await writeFile(join(w, 'kept.txt'), 'one\n');
      await agentGit(w, 'add', 'kept.txt');
      await agentGit(w, 'commit', '-q', '-m', 'Add kept');
      await writeFile(join(w, 'kept.txt'), 'one\ntwo\n');
      await mkdir(join(w, 'notes'));
      await writeFile(join(w, 'notes', 'draft.md'), 'draft\n');
    });
    const head = await fixture.git(0, 'rev-parse', 'agent-0');
    expect(result).toMatchObject({ status: 'succeeded', commit: head });
    expect(result.diffStat).toEqual({ files: 2, insertions: 3, deletions: 0 });
    expect(await fixture.git(0, 'log', '-1', '--format=%an <%ae>|%s', 'agent-0')).toBe(
      'fanout <fanout@fanout.local>|fanout: save uncommitted work after the agent finished',
    );
    expect(await fixture.git(0, 'show', 'agent-0:notes/draft.md')).toBe('draft');
    expect(await fixture.git(0, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(logged('committed uncommitted work')).toMatchObject([{ commit: head, reason: 'finished' }]);
    expect(git.map((command) => command.split(' ').slice(0, 2).join(' '))).toEqual([
      'rev-parse --show-toplevel',
      'rev-parse --absolute-git-dir',
      'status --porcelain',
      'add -A',
      'diff --cached',
      'commit --no-verify',
      'maintenance run', // started by git commit itself, not by the worker
      'rev-parse HEAD',
      'diff --shortstat',
    ]);
  });

  it('commits nothing when all the agent left is ignored', async () => {
    const { result, git } = await runAgent(async (w) => {
      await writeFile(join(w, '.gitignore'), '*.log\nbuild/\n');
      await agentGit(w, 'add', '.gitignore');
      await agentGit(w, 'commit', '-q', '-m', 'Ignore logs');
      await writeFile(join(w, 'debug.log'), 'noise\n');
      await mkdir(join(w, 'build'));
      await writeFile(join(w, 'build', 'out.js'), 'built\n');
      const exclude = join(fixture.paths.repo, '.git', 'info', 'exclude');
      await writeFile(exclude, 'local-only.txt\n');
      await writeFile(join(w, 'local-only.txt'), 'mine\n');
    });
    expect(await fixture.git(0, 'log', '-1', '--format=%s', 'agent-0')).toBe('Ignore logs');
    expect(result.commit).toBe(await fixture.git(0, 'rev-parse', 'agent-0'));
    expect(result.diffStat).toEqual({ files: 1, insertions: 2, deletions: 0 });
    expect(logged('committed uncommitted work')).toEqual([]);
    expect(git).not.toContain('add -A');
  });

  it('still removes a stale index.lock when nothing is left to commit', async () => {
    const gitDir = await fixture.git(0, 'rev-parse', '--absolute-git-dir');
    const lock = join(gitDir, 'index.lock');
    await runAgent(async () => {
      await writeFile(lock, '');
    });
    expect(await stat(lock).catch(() => null)).toBeNull();
    expect(logged('removed a stale index.lock')).toMatchObject([{ lock }]);
  });

  it('warns when the agent switched to another branch', async () => {
    await runAgent(async (w) => {
      await agentGit(w, 'checkout', '-q', '-b', 'elsewhere');
    });
    expect(logged('the worktree is no longer on its branch')).toMatchObject([
      { expected: 'agent-0', actual: 'elsewhere' },
    ]);
  });

  it('warns on a detached HEAD too, and still saves the work', async () => {
    const { result } = await runAgent(async (w) => {
      await agentGit(w, 'checkout', '-q', '--detach');
      await writeFile(join(w, 'loose.txt'), 'loose\n');
    });
    const [warning] = logged('the worktree is no longer on its branch');
    expect(warning).toMatchObject({ expected: 'agent-0', actual: null });
    expect(result.commit).toBe(await fixture.git(0, 'rev-parse', 'HEAD'));
    expect(result.diffStat).toEqual({ files: 1, insertions: 1, deletions: 0 });
  });

  it('gives the SDK the Claude Code binary, the one the MCP server runs too', async () => {
    await runAgent(async () => undefined);
    expect(options).toHaveLength(1);
    expect(options[0]).toMatchObject({
      pathToClaudeCodeExecutable: CLAUDE,
      mcpServers: { claude: { command: CLAUDE, args: ['mcp', 'serve'] } },
      mcpServersDelivery: 'argv',
    });
  });
});
