import { writeFile } from 'node:fs/promises';
import { SETUP_OUTPUT_BYTES } from '@fanout/shared';
import { excludeFromCommits } from './info-exclude.js';
import { errorMessage, type Logger } from './logger.js';
import { runCommand, type CommandResult } from './run-command.js';
import { runGit } from './run-git.js';
import { endLeftovers } from './worktree-processes.js';

/** How much of the end of a failed setup's output its error message quotes. */
const MESSAGE_LINES = 10;
const MESSAGE_CHARS = 1000;

export interface SetupPhaseOptions {
  command: string;
  worktree: string;
  env: NodeJS.ProcessEnv;
  /** The agent's stop (cancel, stop signal, its deadline): aborting it stops the setup. */
  signal: AbortSignal;
  /** The longest the setup may run by itself; the agent's deadline stops it through `signal`. */
  timeoutMs: number;
  killGraceMs: number;
  /** meta/agent-<n>/setup.log: the end of the setup's output is written there, whatever its outcome. */
  logPath: string;
  /** Names the block of patterns in info/exclude, e.g. "setup of agent-0". */
  excludeWhy: string;
  log: Logger;
}

export type SetupPhaseResult =
  | { ok: true; result: CommandResult; excluded: string[] }
  | { ok: false; result: CommandResult; reason: string };

/** The last few lines of `output` (at most MESSAGE_CHARS), for an error message. */
export function lastLines(output: string): string {
  const lines = output.trimEnd().split('\n').slice(-MESSAGE_LINES).join('\n');
  const text = lines.length > MESSAGE_CHARS ? `…${lines.slice(-MESSAGE_CHARS)}` : lines;
  return text === '' ? '(no output)' : text;
}

/** "setup exited with 2: <last lines>": why a setup that did not pass failed, without its cause of stop. */
export function setupFailureMessage(result: CommandResult): string {
  const why =
    result.exitCode !== null
      ? `exited with ${result.exitCode}`
      : (result.message ?? 'did not finish').replace(/^ended by/, 'was ended by');
  return `setup ${why}: ${lastLines(result.output)}`;
}

/**
 * What git would take as new in the worktree (untracked and not ignored), a directory named once as a whole
 * (`node_modules/`) rather than file by file, so the listing stays short whatever the setup installed.
 */
export async function untrackedPaths(worktree: string): Promise<string[]> {
  const listed = await runGit(
    worktree,
    ['ls-files', '-z', '--others', '--exclude-standard', '--directory', '--no-empty-directory'],
    { env: { GIT_TERMINAL_PROMPT: '0' } },
  );
  if (listed.exitCode !== 0) throw new Error(`git ls-files failed: ${listed.stderr.trim()}`);
  return listed.stdout.split('\0').filter((path) => path !== '');
}

/**
 * The run's setup for one agent, before the agent starts: runs the command in the worktree (see
 * runCommand), keeps the end of its output in setup.log and, when it passed, adds what it created that git
 * would see as new to the run repository's info/exclude, so none of it is ever committed as the agent's
 * work. Files it changed that git tracks are left as they are (and are committed with the agent's work).
 * When it did not pass, whatever it left running in the worktree is ended. Never rejects.
 */
export async function runSetupPhase(options: SetupPhaseOptions): Promise<SetupPhaseResult> {
  const { log } = options;
  log.info('running the setup', { command: options.command });
  const result = await runCommand({
    command: options.command,
    cwd: options.worktree,
    env: options.env,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    killGraceMs: options.killGraceMs,
    outputBytes: SETUP_OUTPUT_BYTES,
  });
  log.info('setup finished', {
    status: result.status,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    ...(result.message ? { message: result.message } : {}),
  });
  await writeFile(options.logPath, result.output).catch((error: unknown) => {
    log.warn('could not write setup.log', { error: errorMessage(error) });
  });
  if (result.status !== 'passed') {
    await endLeftovers(options.worktree, options.killGraceMs, 'the setup', log);
    return { ok: false, result, reason: setupFailureMessage(result) };
  }
  try {
    const created = await untrackedPaths(options.worktree);
    const unexcludable = await excludeFromCommits(options.worktree, created, options.excludeWhy);
    if (unexcludable.length > 0) {
      return {
        ok: false,
        result,
        reason: `setup created ${JSON.stringify(unexcludable[0])}, whose name cannot be kept out of commits (a line break)`,
      };
    }
    if (created.length > 0) log.info('kept what the setup created out of commits', { paths: created });
    return { ok: true, result, excluded: created };
  } catch (error) {
    return {
      ok: false,
      result,
      reason: `could not keep what the setup created out of commits: ${errorMessage(error)}`,
    };
  }
}
