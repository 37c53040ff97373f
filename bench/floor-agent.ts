import { execFile, spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { query, type SDKResultMessage, type SpawnOptions } from '@anthropic-ai/claude-agent-sdk/core';

/**
 * One floor agent: a bare Agent SDK `query()` with the options the worker uses, then a commit of whatever
 * is left, like the worker's last step. The floor runs N of these in the bench's own process; the
 * per-process floor runs each in a Node.js process of its own, from this module bundled (see floor.ts).
 * It imports nothing of fanout's and nothing of the test fixtures, so that bundle holds only the SDK: its
 * `/core` entry, as the worker loads it.
 */
export interface FloorAgent {
  worktree: string;
  configDir: string;
  index: number;
  prompt: string;
  model: string;
  /** The worker's instruction to commit, appended to Claude Code's system prompt. */
  instruction: string;
  /** Claude Code's binary, as the worker gives it (so the SDK does not look for it itself). */
  claude: string;
  /** The environment that points Claude Code at the model. */
  env: Record<string, string>;
  /** Start Claude Code in a session of its own (when the agent does not have a process of its own). */
  ownSession: boolean;
}

const run = promisify(execFile);
const identity = (name: string, email: string) => ({
  GIT_AUTHOR_NAME: name,
  GIT_AUTHOR_EMAIL: email,
  GIT_COMMITTER_NAME: name,
  GIT_COMMITTER_EMAIL: email,
});

export const floorGit = (cwd: string, ...args: string[]) =>
  run('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env: { ...process.env, ...identity('bench', 'bench@bench.local') },
  });

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
export async function runFloorAgent(agent: FloorAgent): Promise<void> {
  const { worktree, claude, index } = agent;
  const name = `agent-${index}`;
  let result: SDKResultMessage | null = null;
  for await (const message of query({
    prompt: agent.prompt,
    options: {
      cwd: worktree,
      pathToClaudeCodeExecutable: claude,
      model: agent.model,
      permissionMode: 'bypassPermissions',
      allowDangerouslySkipPermissions: true,
      systemPrompt: {
        type: 'preset',
        preset: 'claude_code',
        append: agent.instruction,
      },
      mcpServers: {
        claude: { type: 'stdio', command: claude, args: ['mcp', 'serve'], alwaysLoad: true },
      },
      strictMcpConfig: true,
      settingSources: [],
      ...(agent.ownSession ? { spawnClaudeCodeProcess: spawnInOwnSession } : {}),
      // What the SDK does when it starts Claude Code itself (as the worker's does); said, so it does not warn.
      mcpServersDelivery: 'argv',
      env: {
        ...process.env,
        ...agent.env,
        CLAUDE_CONFIG_DIR: agent.configDir,
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
  await floorGit(worktree, 'add', '-A');
  const staged = await floorGit(worktree, 'diff', '--cached', '--quiet').then(
    () => false,
    () => true,
  );
  if (staged) await floorGit(worktree, 'commit', '--quiet', '--no-verify', '-m', 'save what is left');
}

/**
 * Run as a process of its own: the agent comes as JSON in argv[2]. Writes its own CPU-seconds to stdout as
 * it ends, as a worker logs its own.
 */
async function processMain(): Promise<void> {
  await runFloorAgent(JSON.parse(process.argv[2]!) as FloorAgent);
  const usage = process.cpuUsage();
  process.stdout.write(`${(usage.user + usage.system) / 1e6}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  processMain().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
