import { mkdir, writeFile } from 'node:fs/promises';
import {
  launchFileSchema,
  newRunId,
  resultFileSchema,
  runFileSchema,
  runPaths,
  stateFileSchema,
  type RunFile,
} from '@fanout/shared';

const BATCH = 25;

/**
 * Writes `count` finished runs straight into `storage`, in the run directory's own format (each file
 * checked against its schema first): run.json and, per agent, launch.json, state.json, result.json and a
 * short transcript. Runs have 1 to 8 agents; about one agent in nine failed. No git repository is made: the
 * API paths measured with them (listing runs, reading one) read only these files.
 */
export async function writeFakeRuns(storage: string, count: number, now = Date.now()): Promise<void> {
  await mkdir(storage, { recursive: true });
  for (let start = 0; start < count; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - start) }, (_, k) => start + k);
    await Promise.all(batch.map((i) => writeFakeRun(storage, i, now - (count - i) * 60_000)));
  }
}

async function writeFakeRun(storage: string, i: number, createdMs: number): Promise<void> {
  const id = newRunId(createdMs);
  const paths = runPaths(storage, id);
  const agents = 1 + (i % 8);
  const at = (seconds: number) => new Date(createdMs + seconds * 1000).toISOString();
  const run: RunFile = runFileSchema.parse({
    version: 1,
    id,
    createdAt: at(0),
    prompt: `Fake run ${i}: add a --verbose flag to the CLI and test it.`,
    agents,
    model: 'claude-sonnet-4-5',
    models: Array.from({ length: agents }, () => null),
    baseRepo: null,
    baseRef: null,
    baseCommit: 'f'.repeat(40),
    maxTurns: null,
    timeoutSeconds: 3600,
    runDir: paths.root,
  });
  await mkdir(paths.meta, { recursive: true });
  await writeFile(paths.runJson, JSON.stringify(run, null, 2) + '\n');
  await Promise.all(
    Array.from({ length: agents }, async (_, n) => {
      const p = paths.agent(n);
      const failed = (i + n) % 9 === 0;
      const usage = { inputTokens: 1200, outputTokens: 340, cacheReadTokens: 5000, cacheCreationTokens: 800 };
      await mkdir(p.dir, { recursive: true });
      const files: [string, unknown][] = [
        [
          p.launch,
          launchFileSchema.parse({
            launchedAt: at(1),
            executor: 'local',
            pid: 100_000 + n,
            pidStartTicks: '1',
            host: 'bench',
          }),
        ],
        [
          p.state,
          stateFileSchema.parse({
            rev: 12,
            pid: 100_000 + n,
            host: 'bench',
            startedAt: at(2),
            heartbeatAt: at(60),
            numTurns: 7,
            usage,
            costUsd: 0.042,
            activity: null,
            model: 'claude-sonnet-4-5',
            sessionId: `session-${i}-${n}`,
          }),
        ],
        [
          p.result,
          resultFileSchema.parse({
            status: failed ? 'failed' : 'succeeded',
            startedAt: at(2),
            finishedAt: at(60 + n),
            commit: 'a'.repeat(40),
            diffStat: { files: 3, insertions: 42, deletions: 7 },
            usage,
            costUsd: 0.042,
            numTurns: 7,
            ...(failed
              ? { error: { code: 'model_error', message: 'API Error: 529 Overloaded', status: 529 } }
              : {}),
            writtenBy: 'worker',
          }),
        ],
      ];
      await Promise.all(files.map(([path, value]) => writeFile(path, JSON.stringify(value, null, 2) + '\n')));
      const transcript = [
        { type: 'system', subtype: 'init', session_id: `session-${i}-${n}` },
        { type: 'assistant', message: { content: [{ type: 'text', text: 'Working on it.' }] } },
        { type: 'result', subtype: failed ? 'error_during_execution' : 'success', num_turns: 7 },
      ];
      await writeFile(p.transcript, transcript.map((m) => JSON.stringify(m) + '\n').join(''));
    }),
  );
}
