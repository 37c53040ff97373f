import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { TEST_MODEL, claudeEnvFor, type ScriptedModel } from '@fanout/test-utils';
import { WORKER_NODE_FLAGS, bundledClaudeBinary, commitInstruction } from '@fanout/worker';
import { WORK_PROMPT } from './agent-script.js';
import { floorGit as git, runFloorAgent, type FloorAgent } from './floor-agent.js';

/**
 * The floor: what running N agents by hand costs at the least. N bare Agent SDK `query()` calls at once in
 * this one process, in N worktrees made beforehand, with the options the worker uses (floor-agent.ts).
 *
 * Each agent's Claude Code starts in a session of its own, as it would in its own terminal, and as each
 * fanout worker does: Linux schedules sessions as groups (autogroup) with a fair share each, so agents
 * that shared one session would get one share between them on a busy machine, and the floor would lose
 * to fanout for that reason alone.
 *
 * The per-process floor runs the same agents each in a Node.js process of its own (in its own session,
 * started with the workers' V8 flags), as fanout's contract has it: one process per agent. Between the
 * floor and it lies the cost of that design; between it and fanout, what fanout itself adds.
 */

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

function agentsOf(model: ScriptedModel, setup: FloorSetup, ownSession: boolean): FloorAgent[] {
  const claude = bundledClaudeBinary();
  return setup.worktrees.map((worktree, index) => ({
    worktree,
    configDir: setup.configDirs[index]!,
    index,
    prompt: WORK_PROMPT,
    instruction: commitInstruction(`agent-${index}`),
    model: TEST_MODEL,
    claude,
    env: claudeEnvFor(model),
    ownSession,
  }));
}

/** Runs the floor on a prepared setup; resolves when every agent has finished and committed. */
export async function runFloor(model: ScriptedModel, setup: FloorSetup): Promise<void> {
  await Promise.all(agentsOf(model, setup, true).map(runFloorAgent));
}

/** floor-agent.ts as one ES module with the SDK, in `dir`, for the per-process floor. */
export async function bundleFloorAgent(dir: string): Promise<string> {
  const outfile = join(dir, 'floor-agent.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./floor-agent.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // For the CommonJS inside: esbuild's ES module output has no require of its own.
    banner: {
      js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);',
    },
  });
  return outfile;
}

/**
 * Runs the per-process floor: each agent in `node <flags> <bundle>`, started in a session of its own as
 * the local executor starts a worker. Resolves with the CPU-seconds those Node.js processes used themselves.
 */
export async function runFloorPerProcess(
  model: ScriptedModel,
  setup: FloorSetup,
  bundle: string,
): Promise<number> {
  const seconds = await Promise.all(
    agentsOf(model, setup, false).map(
      (agent) =>
        new Promise<number>((resolve, reject) => {
          const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, bundle, JSON.stringify(agent)], {
            detached: true,
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let out = '';
          let err = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
          child.on('error', reject);
          child.on('close', (code) => {
            const cpu = Number(out.trim());
            if (code === 0 && out.trim() !== '' && Number.isFinite(cpu)) resolve(cpu);
            else reject(new Error(`per-process floor agent-${agent.index} exited ${code}: ${err.trim()}`));
          });
        }),
    ),
  );
  return seconds.reduce((sum, s) => sum + s, 0);
}
