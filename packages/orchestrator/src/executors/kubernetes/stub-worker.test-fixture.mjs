// A stand-in for `fanout-worker` in the kubernetes executor's tests: it reads the same environment,
// writes the same files as the real worker, and behaves as STUB_BEHAVIOUR says for its agent index:
//   succeed   commit a file as the agent, record `succeeded`, exit 0
//   hang      run until SIGTERM, then commit and record `cancelled` (or `failed`/timeout), exit 0
//   silent    run until SIGTERM, then exit 143 without recording anything (a worker that died)
//   crash     leave a file uncommitted and exit 1 without recording anything
/* global setInterval */
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';

const env = process.env;
const worktree = env.AGENT_WORKTREE_PATH;
const runDir = env.FANOUT_RUN_DIR;
const index = Number(env.FANOUT_AGENT_INDEX);
const meta = `${runDir}/meta/agent-${index}`;
const behaviour = JSON.parse(env.STUB_BEHAVIOUR ?? '{}')[index] ?? 'succeed';
const startedAt = new Date().toISOString();
const usage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheCreationTokens: 0 };
const identity = {
  GIT_AUTHOR_NAME: `agent-${index}`,
  GIT_AUTHOR_EMAIL: `agent-${index}@fanout.local`,
  GIT_COMMITTER_NAME: `agent-${index}`,
  GIT_COMMITTER_EMAIL: `agent-${index}@fanout.local`,
};

function git(args, extra = {}) {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd: worktree,
    env: { ...env, ...extra },
    encoding: 'utf8',
  }).trim();
}

function writeOnce(path, value) {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, JSON.stringify(value, null, 2));
  try {
    linkSync(temp, path);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
}

function record(status, error) {
  git(['add', '-A']);
  try {
    git(['commit', '-q', '-m', `stub: ${status}`], identity);
  } catch {
    // Nothing to commit.
  }
  writeOnce(`${meta}/result.json`, {
    status,
    startedAt,
    finishedAt: new Date().toISOString(),
    commit: git(['rev-parse', 'HEAD']),
    diffStat: null,
    usage,
    costUsd: 0.01,
    numTurns: 1,
    ...(error ? { error } : {}),
    writtenBy: 'worker',
  });
}

mkdirSync(meta, { recursive: true });
// What the pod was given, for the tests to check (never the key itself).
writeFileSync(
  `${meta}/stub-env.json`,
  JSON.stringify({
    worktree,
    branch: env.AGENT_BRANCH,
    runDir,
    runId: env.FANOUT_RUN_ID,
    index: env.FANOUT_AGENT_INDEX,
    home: env.HOME,
    tmp: env.TMPDIR,
    apiKeyPresent: env.ANTHROPIC_API_KEY === 'sk-ant-test-key',
    baseUrl: env.ANTHROPIC_BASE_URL ?? null,
    safeDirectories: [env.GIT_CONFIG_VALUE_0, env.GIT_CONFIG_VALUE_1],
  }),
);
writeFileSync(
  `${meta}/state.json`,
  JSON.stringify({
    rev: 1,
    pid: process.pid,
    host: 'pod',
    startedAt,
    heartbeatAt: startedAt,
    numTurns: 1,
    usage,
    costUsd: 0.01,
    activity: 'working',
    model: null,
    sessionId: null,
  }),
);
console.log(`stub worker ${index}: ${behaviour}`);
writeFileSync(`${worktree}/agent-${index}.txt`, `agent ${index} was here\n`);

if (behaviour === 'succeed') {
  record('succeeded');
  process.exit(0);
} else if (behaviour === 'crash') {
  console.error('stub worker: crashing');
  process.exit(1);
} else {
  process.on('SIGTERM', () => {
    console.log(`stub worker ${index}: SIGTERM`);
    if (behaviour === 'silent') process.exit(143);
    if (existsSync(`${runDir}/meta/cancel.json`))
      record('cancelled', { code: 'cancelled', message: 'cancelled' });
    else record('failed', { code: 'timeout', message: 'stopped by a signal' });
    process.exit(0);
  });
  setInterval(() => undefined, 1000);
}
