import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  Options,
  Query,
  SDKMessage,
  SDKResultMessage,
  query as sdkQuery,
} from '@anthropic-ai/claude-agent-sdk/core';
import {
  CHECK_TIMEOUT_SECONDS,
  ZERO_USAGE,
  agentBudgetUsd,
  resultFileSchema,
  runPathsAt,
  type AgentPaths,
  type CheckResult,
  type DiffStat,
  type ResultFile,
  type RunFile,
} from '@fanout/shared';
import { loadAgentSdk } from './agent-sdk.js';
import { describeCheck, describeSetup } from './activity.js';
import { AgentStateWriter } from './agent-state.js';
import { writeJsonOnce } from './atomic-file.js';
import { watchCancelFile } from './cancel-watch.js';
import { runCheckPhase } from './check-phase.js';
import { bundledClaudeBinary } from './claude-binary.js';
import { ConfigError, parseWorkerConfig, type WorkerConfig } from './config.js';
import {
  SAVE_REASONS,
  currentBranch,
  diffStat,
  headCommit,
  readHead,
  saveUncommittedWork,
} from './git-commit.js';
import type { CodeCacheUse } from './launch.js';
import { createLogger, errorMessage, type Logger } from './logger.js';
import { ProgressTracker, decideOutcome, mcpServerProblem, type Outcome, type StopCause } from './outcome.js';
import { SetupError, checkWorktree, loadRunFile } from './setup.js';
import { lastLines, runSetupPhase } from './setup-phase.js';
import { TranscriptWriter } from './transcript.js';
import { endLeftovers } from './worktree-processes.js';

/** setTimeout's longest delay (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The name of the `claude mcp serve` MCP server in every agent's session. */
export const CLAUDE_MCP_SERVER = 'claude';

export interface WorkerTiming {
  /** How often meta/cancel.json is looked for. */
  cancelPollMs: number;
  /** After a stop, how long the SDK gets to end the query before the worker moves on without it. */
  stopWaitMs: number;
  /** Between SIGTERM and SIGKILL for processes left in the worktree. */
  killGraceMs: number;
  /** Least time between two state.json writes, and the heartbeat. */
  stateIntervalMs: number;
  heartbeatMs: number;
  /** How long the run's check may run. */
  checkTimeoutMs: number;
}

export const DEFAULT_TIMING: WorkerTiming = {
  cancelPollMs: 500,
  stopWaitMs: 10_000,
  killGraceMs: 2_000,
  stateIntervalMs: 250,
  heartbeatMs: 5_000,
  checkTimeoutMs: CHECK_TIMEOUT_SECONDS * 1000,
};

/** What the worker takes from its surroundings; tests pass their own. */
export interface WorkerDeps {
  env: NodeJS.ProcessEnv;
  clock?: () => Date;
  /** Where log lines go (default: stderr, which the executor sends to worker.log). */
  writeLog?: (line: string) => void;
  /** Subscribes to stop signals; default SIGTERM and SIGINT of this process. Returns an unsubscribe. */
  onStopSignal?: (handler: (signal: string) => void) => () => void;
  /** The Agent SDK's query(). */
  query?: typeof sdkQuery;
  /** Path of the Claude Code binary: the agent's, and the one run as `claude mcp serve`. */
  claudeBinary?: () => string;
  /** Whether V8 took the code cache when the launcher loaded this worker (launch.ts), for the log. */
  codeCache?: CodeCacheUse;
  timing?: Partial<WorkerTiming>;
}

/**
 * Exit codes: 0 = the agent ran and its outcome is recorded (whatever it was); 1 = the worker could not do
 * its job (setup failed, or no outcome could be recorded); 2 = bad configuration.
 */
export const EXIT_RECORDED = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_CONFIG = 2;

function processSignals(handler: (signal: string) => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => handler(signal);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}

/** The first reason to stop wins; stopping aborts the query. Listeners hear of every request. */
class StopRequest {
  readonly controller = new AbortController();
  cause: StopCause | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly stopped: Promise<void>;
  private resolveStopped!: () => void;

  constructor() {
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  request(cause: StopCause): void {
    for (const listener of this.listeners) listener();
    if (this.cause) return;
    this.cause = cause;
    this.controller.abort(new Error(cause === 'timeout' ? 'fanout: timed out' : 'fanout: cancelled'));
    this.resolveStopped();
  }

  /** Calls `listener` on every later request, even once the agent has stopped; returns an unsubscribe. */
  onRequest(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when a stop is requested. */
  get requested(): Promise<void> {
    return this.stopped;
  }
}

function formatUsd(usd: number): string {
  return `$${usd.toFixed(usd < 1 ? 4 : 2).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}

/** What the worker appends to Claude Code's system prompt (the bench's floors give their agents the same). */
export function commitInstruction(branch: string): string {
  return [
    'You are working in a git worktree of your own, on the branch `' + branch + '`.',
    'As the final step of your work, commit all of your changes with git on the current branch',
    '(for example `git add -A && git commit -m "<what you did>"`).',
    'Do not switch, create or delete branches, do not rewrite history, and do not push.',
  ].join(' ');
}

/**
 * One agent, start to finish: checks its settings, runs Claude Code through the Agent SDK in the worktree,
 * streams every message to the transcript, and whatever happens saves the work with a commit and records the
 * outcome in result.json. Returns the process exit code.
 */
export async function runWorker(deps: WorkerDeps): Promise<number> {
  const clock = deps.clock ?? (() => new Date());
  const writeLog = deps.writeLog ?? ((line: string) => process.stderr.write(line));
  let config: WorkerConfig;
  try {
    config = parseWorkerConfig(deps.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    writeLog(`fanout-worker: ${error.message}\n`);
    return EXIT_BAD_CONFIG;
  }
  const log = createLogger({ runId: config.runId, agent: config.agentIndex }, writeLog, clock);
  log.info('worker started', {
    node: process.version,
    ...(deps.codeCache ? { codeCache: deps.codeCache } : {}),
  });
  const code = await runConfigured(deps, config, log, clock);
  // The worker's own CPU time (all its threads, loading included; not Claude Code's): npm run bench adds
  // these up to show what fanout itself costs.
  const cpu = process.cpuUsage();
  log.info('worker finished', { exitCode: code, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  return code;
}

async function runConfigured(
  deps: WorkerDeps,
  config: WorkerConfig,
  log: Logger,
  clock: () => Date,
): Promise<number> {
  const startedAt = clock();
  const stop = new StopRequest();
  let deadlineAt = Number.POSITIVE_INFINITY;
  const unsubscribe = (deps.onStopSignal ?? processSignals)((signal) => {
    log.info('stop signal received', { signal });
    // A deadline that has passed explains the signal even if our own timer has not fired yet.
    stop.request(clock().getTime() >= deadlineAt ? 'timeout' : 'cancelled');
  });
  try {
    const paths = runPathsAt(config.runDir);
    const agent = paths.agent(config.agentIndex);
    try {
      await mkdir(agent.claudeConfig, { recursive: true });
    } catch (error) {
      log.error('the run directory is not usable; no outcome can be recorded', {
        error: errorMessage(error),
      });
      return EXIT_FAILED;
    }
    if (existsSync(agent.result)) {
      // Launched twice, or after the agent was finished for it: the outcome stands, and two agents must
      // never work in one worktree.
      log.warn('this agent already has an outcome (result.json); nothing to do');
      return EXIT_RECORDED;
    }
    let run: RunFile;
    try {
      run = await loadRunFile(paths.runJson, config);
      await checkWorktree(config);
    } catch (error) {
      const message = errorMessage(error);
      if (!(error instanceof SetupError)) log.error('unexpected error during setup', { error: message });
      log.error('setup failed', { error: message });
      await recordResult(agent, log, {
        status: 'failed',
        startedAt: startedAt.toISOString(),
        finishedAt: clock().toISOString(),
        commit: await headCommit(config.worktree).catch(() => null),
        diffStat: null,
        usage: ZERO_USAGE,
        costUsd: null,
        numTurns: 0,
        error: { code: 'setup_failed', message },
        writtenBy: 'worker',
      });
      // Recorded or not, the agent never ran: a non-zero exit says so.
      return EXIT_FAILED;
    }
    if (run.timeoutSeconds > 0) deadlineAt = startedAt.getTime() + run.timeoutSeconds * 1000;
    return await runAgent({
      deps,
      config,
      run,
      agent,
      cancelPath: paths.cancel,
      log,
      clock,
      startedAt,
      stop,
    });
  } finally {
    unsubscribe();
  }
}

interface AgentContext {
  deps: WorkerDeps;
  config: WorkerConfig;
  run: RunFile;
  agent: AgentPaths;
  cancelPath: string;
  log: Logger;
  clock: () => Date;
  startedAt: Date;
  stop: StopRequest;
}

async function runAgent(ctx: AgentContext): Promise<number> {
  const { config, run, agent, log, clock, stop } = ctx;
  const timing = { ...DEFAULT_TIMING, ...ctx.deps.timing };
  const model = run.models[config.agentIndex] ?? run.model ?? null;
  const state = await AgentStateWriter.start({
    path: agent.state,
    pid: process.pid,
    host: hostname(),
    startedAt: ctx.startedAt,
    model,
    clock,
    log,
    minIntervalMs: timing.stateIntervalMs,
    heartbeatMs: timing.heartbeatMs,
  });
  const tracker = new ProgressTracker(config.worktree, model);
  const deadline =
    run.timeoutSeconds > 0
      ? setTimeout(
          () => {
            log.warn('deadline reached; stopping the agent', { timeoutSeconds: run.timeoutSeconds });
            stop.request('timeout');
          },
          Math.min(
            MAX_TIMER_MS,
            Math.max(0, ctx.startedAt.getTime() + run.timeoutSeconds * 1000 - clock().getTime()),
          ),
        )
      : undefined;
  const cancelWatch = watchCancelFile(ctx.cancelPath, timing.cancelPollMs, () => {
    log.info('cancel requested (cancel.json)');
    stop.request('cancelled');
  });

  let outcome: Outcome;
  let transcript: TranscriptWriter | null = null;
  // Set when the run's setup did not pass: the agent never started, and nothing is committed.
  let setupFailure: Outcome | null = null;
  try {
    if (run.setup !== null) await runSetup(ctx, run.setup, timing, tracker, state);
    transcript = TranscriptWriter.open(agent.transcript);
    const ended = await runQuery(ctx, timing, transcript, tracker, state);
    outcome = decideOutcome({ ...ended, timeoutSeconds: run.timeoutSeconds });
    if (outcome.error?.code === 'budget' && run.budgetUsd !== null) {
      const share = formatUsd(agentBudgetUsd(run));
      outcome.error.message += ` (its share of the run's ${formatUsd(run.budgetUsd)} budget is ${share})`;
    }
  } catch (error) {
    setupFailure = error instanceof SetupDidNotPass ? error.outcome : null;
    if (!setupFailure) log.error('internal error while running the agent', { error: errorMessage(error) });
    outcome = setupFailure ?? {
      status: 'failed',
      error: { code: 'internal', message: errorMessage(error) },
      saveReason: 'crashed',
    };
  } finally {
    clearTimeout(deadline);
    cancelWatch.stop();
  }

  log.info('agent stopped; saving its work', { status: outcome.status, error: outcome.error });
  tracker.setActivity('Saving work');
  state.update(tracker.snapshot());
  const saved = await saveWork(config, run, outcome, timing.killGraceMs, log, setupFailure === null);
  // After the final commit, so nothing the check writes is committed; not for an agent that was cancelled.
  let check: CheckResult | null = null;
  if (run.check !== null && outcome.status !== 'cancelled' && setupFailure === null) {
    tracker.setActivity(describeCheck(run.check));
    // Tells an orchestrator that finds this worker gone not to commit what the check leaves behind.
    state.update({ ...tracker.snapshot(), checking: true });
    check = await runCheckPhase({
      command: run.check,
      worktree: config.worktree,
      env: ctx.deps.env,
      cancelPath: ctx.cancelPath,
      cancelPollMs: timing.cancelPollMs,
      timeoutMs: timing.checkTimeoutMs,
      killGraceMs: timing.killGraceMs,
      onStopSignal: (listener) => stop.onRequest(listener),
      log,
    });
  }
  try {
    transcript?.close();
  } catch (error) {
    log.warn('could not close the transcript', { error: errorMessage(error) });
  }
  const progress = tracker.snapshot();
  await state.stop({ ...progress, activity: null, ...(check ? { checking: false } : {}) });
  const recorded = await recordResult(agent, log, {
    status: outcome.status,
    startedAt: ctx.startedAt.toISOString(),
    finishedAt: clock().toISOString(),
    commit: saved.commit,
    diffStat: saved.diffStat,
    usage: progress.usage,
    costUsd: progress.costUsd,
    numTurns: progress.numTurns,
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(check ? { check } : {}),
    writtenBy: 'worker',
  });
  return recorded ? EXIT_RECORDED : EXIT_FAILED;
}

interface QueryEnd {
  result: SDKResultMessage | null;
  thrown: string | null;
  stop: StopCause | null;
}

/** Runs the query to its end (or until a stop), streaming messages to the transcript and state.json. */
async function runQuery(
  ctx: AgentContext,
  timing: WorkerTiming,
  transcript: TranscriptWriter,
  tracker: ProgressTracker,
  state: AgentStateWriter,
): Promise<QueryEnd> {
  const { config, run, agent, log, stop } = ctx;
  if (!stop.cause && existsSync(ctx.cancelPath)) stop.request('cancelled');
  if (stop.cause) return { result: null, thrown: null, stop: stop.cause };

  const model = run.models[config.agentIndex] ?? run.model;
  const agentName = `agent-${config.agentIndex}`;
  // Given, so the SDK does not look for its binary itself (which asks process.report, a few milliseconds).
  const claudeBinary = (ctx.deps.claudeBinary ?? bundledClaudeBinary)();
  const options: Options = {
    cwd: config.worktree,
    pathToClaudeCodeExecutable: claudeBinary,
    permissionMode: 'bypassPermissions',
    allowDangerouslySkipPermissions: true,
    systemPrompt: { type: 'preset', preset: 'claude_code', append: commitInstruction(config.branch) },
    mcpServers: {
      [CLAUDE_MCP_SERVER]: {
        type: 'stdio',
        command: claudeBinary,
        args: ['mcp', 'serve'],
        alwaysLoad: true,
      },
    },
    // The SDK's default; said, because with pathToClaudeCodeExecutable set it warns when it is not.
    mcpServersDelivery: 'argv',
    // Only fanout's own MCP server: not the repository's .mcp.json, nor a person's settings.
    strictMcpConfig: true,
    settingSources: [],
    abortController: stop.controller,
    env: {
      ...ctx.deps.env,
      CLAUDE_CONFIG_DIR: agent.claudeConfig,
      CLAUDE_CODE_DISABLE_AUTO_MEMORY: '1',
      CLAUDE_AGENT_SDK_CLIENT_APP: 'fanout-worker/0.1.0',
      GIT_AUTHOR_NAME: agentName,
      GIT_AUTHOR_EMAIL: `${agentName}@fanout.local`,
      GIT_COMMITTER_NAME: agentName,
      GIT_COMMITTER_EMAIL: `${agentName}@fanout.local`,
    },
    stderr: (data) => log.info('claude stderr', { text: data.trimEnd() }),
    ...(model ? { model } : {}),
    ...(run.maxTurns !== null ? { maxTurns: run.maxTurns } : {}),
    // Claude Code knows its spend only inside its own query, so the run's limit is split evenly.
    ...(run.budgetUsd !== null ? { maxBudgetUsd: agentBudgetUsd(run) } : {}),
  };

  let stopAtResult: StopCause | null = null;
  let transcriptBroken = false;
  const onMessage = (message: SDKMessage) => {
    try {
      transcript.append(message);
    } catch (error) {
      if (!transcriptBroken) log.error('cannot append to the transcript', { error: errorMessage(error) });
      transcriptBroken = true;
    }
    const problem = mcpServerProblem(message, CLAUDE_MCP_SERVER);
    if (problem) log.warn(problem);
    if (message.type === 'result') stopAtResult = stop.cause;
    if (tracker.add(message)) state.update(tracker.snapshot());
  };

  let thrown: string | null = null;
  let q: Query | null = null;
  try {
    const query = ctx.deps.query ?? (await loadAgentSdk()).query;
    q = query({ prompt: run.prompt, options });
    await consumeUntilStopped(q, onMessage, stop, timing.stopWaitMs, log);
  } catch (error) {
    thrown = errorMessage(error);
    log.info('the query ended with an error', { error: thrown });
  }

  const result = tracker.lastResult;
  if (!result && !stop.cause) {
    // The Claude Code process may have died from the same signal that is about to reach this worker, or a
    // cancel may have just been requested: let those arrive before calling it a crash.
    await sleep(250);
    if (!stop.cause && existsSync(ctx.cancelPath)) stop.request('cancelled');
  }
  return { result, thrown, stop: result ? stopAtResult : stop.cause };
}

/**
 * Reads the query's messages until it ends. Once a stop is requested, the SDK gets `stopWaitMs` to end it
 * (the abort kills Claude Code); after that the worker closes the query and moves on regardless.
 */
async function consumeUntilStopped(
  q: Query,
  onMessage: (message: SDKMessage) => void,
  stop: StopRequest,
  stopWaitMs: number,
  log: Logger,
): Promise<void> {
  const consumed = (async () => {
    for await (const message of q) onMessage(message);
  })();
  const gaveUp = Symbol('gave up');
  const winner = await Promise.race([consumed, stop.requested.then(() => sleep(stopWaitMs, gaveUp))]);
  if (winner !== gaveUp) return;
  log.warn('the query did not end after the stop; closing it', { stopWaitMs });
  consumed.catch(() => undefined);
  q.close();
  await Promise.race([consumed.catch(() => undefined), sleep(2000)]);
}

interface SavedWork {
  commit: string | null;
  diffStat: DiffStat | null;
}

/**
 * Saves the agent's work, in every outcome: first ends whatever still runs in the worktree, then commits
 * what is left uncommitted (unless the agent never started: `commitLeftovers` false), then reads the branch
 * head and its diff against the run's starting point.
 */
async function saveWork(
  config: WorkerConfig,
  run: RunFile,
  outcome: Outcome,
  killGraceMs: number,
  log: Logger,
  commitLeftovers: boolean,
): Promise<SavedWork> {
  await endLeftovers(config.worktree, killGraceMs, 'the agent', log);
  // The git dir, the branch and the head commit in one git call; when git cannot give them plainly (no
  // commit yet, say), each is asked for alone.
  const head = await readHead(config.worktree);
  // The head after saving; undefined while unknown.
  let commit: string | null | undefined;
  try {
    const branch = head ? head.branch : await currentBranch(config.worktree);
    if (branch !== config.branch) {
      log.warn('the worktree is no longer on its branch', { expected: config.branch, actual: branch });
    }
    const saved = commitLeftovers
      ? await saveUncommittedWork(config.worktree, SAVE_REASONS[outcome.saveReason], log, head?.gitDir)
      : null;
    if (saved) log.info('committed uncommitted work', { commit: saved, reason: outcome.saveReason });
    commit = saved ?? head?.commit;
  } catch (error) {
    log.error('the safety-net commit failed', { error: errorMessage(error) });
  }
  commit ??= await headCommit(config.worktree).catch(() => null);
  let stat: DiffStat | null = null;
  if (commit === run.baseCommit) {
    stat = { files: 0, insertions: 0, deletions: 0 }; // nothing committed since the start: no git diff
  } else if (commit) {
    try {
      stat = await diffStat(config.worktree, run.baseCommit, commit);
    } catch (error) {
      log.warn('could not compute the diff stat', { error: errorMessage(error) });
    }
  }
  return { commit, diffStat: stat };
}

/** Writes result.json once; true when an outcome is on disk (ours, or one another writer put there first). */
async function recordResult(agent: AgentPaths, log: Logger, result: ResultFile): Promise<boolean> {
  try {
    const wrote = await writeJsonOnce(agent.result, resultFileSchema.parse(result));
    if (wrote) log.info('outcome recorded', { status: result.status, error: result.error });
    else log.warn('result.json was already written by someone else; keeping theirs');
    return true;
  } catch (error) {
    log.error('could not write result.json', { error: errorMessage(error) });
    return false;
  }
}

/** Thrown by runSetup when the run's setup did not pass: the agent does not start. */
class SetupDidNotPass extends Error {
  override name = 'SetupDidNotPass';
  constructor(readonly outcome: Outcome) {
    super(outcome.error?.message ?? 'the setup did not pass');
  }
}

/**
 * The run's setup, before the agent starts and within its time limit (the deadline, a cancel and a stop
 * signal all stop it, through the agent's stop). While it runs, state.json says so (`settingUp`), so an
 * orchestrator that finds this worker gone commits nothing. Throws SetupDidNotPass with the agent's outcome
 * when it did not pass: `cancelled` for a cancel, else `failed` with `setup_failed`.
 */
async function runSetup(
  ctx: AgentContext,
  command: string,
  timing: WorkerTiming,
  tracker: ProgressTracker,
  state: AgentStateWriter,
): Promise<void> {
  const { config, log, stop } = ctx;
  if (!stop.cause && existsSync(ctx.cancelPath)) stop.request('cancelled');
  tracker.setActivity(describeSetup(command));
  state.update({ ...tracker.snapshot(), settingUp: true });
  const setup = await runSetupPhase({
    command,
    worktree: config.worktree,
    env: ctx.deps.env,
    signal: stop.controller.signal,
    timeoutMs: MAX_TIMER_MS,
    killGraceMs: timing.killGraceMs,
    logPath: ctx.agent.setupLog,
    excludeWhy: `setup of agent-${config.agentIndex}`,
    log,
  });
  if (setup.ok) {
    tracker.setActivity('Starting');
    state.update({ ...tracker.snapshot(), settingUp: false });
    return;
  }
  if (stop.cause === 'cancelled') {
    throw new SetupDidNotPass({
      status: 'cancelled',
      error: { code: 'cancelled', message: 'Cancelled during the setup; the agent never started.' },
      saveReason: 'cancelled',
    });
  }
  const message =
    stop.cause === 'timeout'
      ? `setup did not finish within the agent's time limit of ${ctx.run.timeoutSeconds} s: ${lastLines(setup.result.output)}`
      : setup.reason;
  throw new SetupDidNotPass({
    status: 'failed',
    error: { code: 'setup_failed', message },
    saveReason: 'crashed',
  });
}
