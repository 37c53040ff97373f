import { execFile, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { query, type SDKResultMessage, type SpawnOptions } from '@anthropic-ai/claude-agent-sdk';
import { TEST_MODEL, claudeEnvFor, type ScriptedModel } from '@fanout/test-utils';
import { bundledClaudeBinary } from '@fanout/worker';
import { WORK_PROMPT } from './agent-script.js';

/**
 * The floor: what running N agents by hand costs at the least. N bare Agent SDK `query()` calls at once in
 * this one process, in N worktrees made beforehand, with the options the worker uses (cwd, bypassed
 * permissions, Claude Code's system prompt, `claude mcp serve` always loaded, no settings, one
 * CLAUDE_CONFIG_DIR per agent), each followed by a commit of whatever is left, like the worker's last step.
 *
 * Each agent's Claude Code starts in a session of its own, as it would in its own terminal, and as each
 * fanout worker does: Linux schedules sessions as groups (autogroup) with a fair share each, so agents
 * that shared one session would get one share between them on a busy machine, and the floor would lose
 * to fanout for that reason alone.
 */

const run = promisify(execFile);
const identity = (name: string, email: string) => ({
  GIT_AUTHOR_NAME: name,
  GIT_AUTHOR_EMAIL: email,
  GIT_COMMITTER_NAME: name,
  GIT_COMMITTER_EMAIL: email,
});

const git = (cwd: string, ...args: string[]) =>
  run('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env: { ...process.env, ...identity('bench', 'bench@bench.local') },
  });

export interface FloorSetup {
  repo: string;
  worktrees: string[];
  configDirs: string[];
}

/** A repository with one empty commit and N worktrees on branches agent-0 …, as a run has them. */
export async function prepareFloor(root: string, agents: number): Promise<FloorSetup> {
  const repo = join(root, 'repo');
  await mkdir(repo, { recursive: true });
  await git(repo, 'init', '--quiet', '-b', 'main');
  await git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'start');
  await git(repo, 'config', 'gc.auto', '0');
  const worktrees: string[] = [];
  const configDirs: string[] = [];
  for (let i = 0; i < agents; i++) {
    const worktree = join(root, `agent-${i}`);
    await git(repo, 'worktree', 'add', '--quiet', '-b', `agent-${i}`, worktree);
    const configDir = join(root, 'meta', `agent-${i}`, 'claude');
    await mkdir(configDir, { recursive: true });
    worktrees.push(worktree);
    configDirs.push(configDir);
  }
  return { repo, worktrees, configDirs };
}

/** The worker's instruction, word for word. */
function commitInstruction(branch: string): string {
  return [
    'You are working in a git worktree of your own, on the branch `' + branch + '`.',
    'As the final step of your work, commit all of your changes with git on the current branch',
    '(for example `git add -A && git commit -m "<what you did>"`).',
    'Do not switch, create or delete branches, do not rewrite history, and do not push.',
  ].join(' ');
}

/** Claude Code started as the SDK would, but in a new session (a terminal of its own). */
function spawnInOwnSession(options: SpawnOptions) {
  return spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    signal: options.signal,
    stdio: ['pipe', 'pipe', 'ignore'],
    detached: true,
  });
}

/** One agent: the query to its end, then `git add -A` and a commit when anything is left. */
async function floorAgent(
  model: ScriptedModel,
  worktree: string,
  configDir: string,
  index: number,
): Promise<void> {
  const name = `agent-${index}`;
  // Given, as the worker gives it, so the SDK does not look for its binary itself.
  const claude = bundledClaudeBinary();
  let result: SDKResultMessage | null = null;
  for await (const message of query({
    prompt: WORK_PROMPT,
    options: {
      cwd: worktree,
      pathToClaudeCodeExecutable: claude,
      model: TEST_MODEL,
      permissionMode: 'bypassPermissions',
      allowDangerouslySkipPermissions: true,
      systemPrompt: {
        type: 'preset',
        preset: 'claude_code',
        append: commitInstruction(name),
      },
      mcpServers: {
        claude: { type: 'stdio', command: claude, args: ['mcp', 'serve'], alwaysLoad: true },
      },
      strictMcpConfig: true,
      settingSources: [],
      spawnClaudeCodeProcess: spawnInOwnSession,
      // What the SDK does when it starts Claude Code itself (as the worker's does); said, so it does not warn.
      mcpServersDelivery: 'argv',
      env: {
        ...process.env,
        ...claudeEnvFor(model),
        CLAUDE_CONFIG_DIR: configDir,
        CLAUDE_CODE_DISABLE_AUTO_MEMORY: '1',
        ...identity(name, `${name}@bench.local`),
      },
    },
  })) {
    if (message.type === 'result') result = message;
  }
  if (!result || result.subtype !== 'success' || result.is_error) {
    throw new Error(`floor ${name}: the agent did not succeed: ${JSON.stringify(result)}`);
  }
  await git(worktree, 'add', '-A');
  const staged = await git(worktree, 'diff', '--cached', '--quiet').then(
    () => false,
    () => true,
  );
  if (staged) await git(worktree, 'commit', '--quiet', '--no-verify', '-m', 'save what is left');
}

/** Runs the floor on a prepared setup; resolves when every agent has finished and committed. */
export async function runFloor(model: ScriptedModel, setup: FloorSetup): Promise<void> {
  await Promise.all(setup.worktrees.map((w, i) => floorAgent(model, w, setup.configDirs[i]!, i)));
}
