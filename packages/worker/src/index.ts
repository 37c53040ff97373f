/** @fanout/worker: one agent of a run (the `fanout-worker` bin), and the pieces the orchestrator reuses. */
export {
  runWorker,
  DEFAULT_TIMING,
  EXIT_BAD_CONFIG,
  EXIT_FAILED,
  EXIT_RECORDED,
  CLAUDE_MCP_SERVER,
  commitInstruction,
  type WorkerDeps,
  type WorkerTiming,
} from './run-agent.js';
export { parseWorkerConfig, ConfigError, type WorkerConfig } from './config.js';
export {
  decideOutcome,
  finalUsage,
  ProgressTracker,
  type Outcome,
  type SaveReason,
  type StopCause,
} from './outcome.js';
export { describeActivity, describeCheck } from './activity.js';
export { runCheck, type CheckOptions } from './run-check.js';
export { bundledClaudeBinary } from './claude-binary.js';
export { DEFERRED_ENV, deferWorkerEnv } from './deferred-env.js';
export { WORKER_BUNDLE, WORKER_NODE_FLAGS, workerBundlePath } from './bundle-path.js';
export { killWorktreeProcesses, findProcessesIn, type KillOptions } from './worktree-processes.js';
export {
  saveUncommittedWork,
  headCommit,
  diffStat,
  parseShortStat,
  SAVE_REASONS,
  FANOUT_GIT_ENV,
  FANOUT_IDENTITY,
} from './git-commit.js';
export { writeJsonAtomic, writeJsonOnce } from './atomic-file.js';
export { anchoredPattern, excludeFromCommits, infoExcludePath } from './info-exclude.js';
export { runGit, type GitResult, type RunGitOptions } from './run-git.js';
export { createLogger, type Logger } from './logger.js';
