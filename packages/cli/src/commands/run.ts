import { isAbsolute, resolve } from 'node:path';
import { isFinalRunStatus, type Run, type RunRequest } from '@fanout/shared';
import { followRunEvents } from '../api/follow-events.js';
import { parseDollars, parseInteger, readPrompt } from '../arguments.js';
import { EXIT } from '../cli-error.js';
import { agentsTable, inspectHints, runSummaryLine } from '../render/run-summary.js';
import { printJson, printLine, printNote, type CommandContext } from './context.js';
import { liveProgress, plainProgress, silentProgress, type ProgressView } from './run-progress.js';

export interface RunFlags {
  agents: string;
  model?: string | undefined;
  baseRepo?: string | undefined;
  baseRef?: string | undefined;
  maxTurns?: string | undefined;
  timeout?: string | undefined;
  check?: string | undefined;
  budget?: string | undefined;
  setup?: string | undefined;
  copy?: string[] | undefined;
  detach?: boolean | undefined;
}

/**
 * The body of `POST /api/runs` from the command line. Numbers must be integers; their limits are the
 * server's to check (it knows its largest number of agents). A relative `--base-repo` is made absolute
 * here, since the server resolves paths from its own working directory.
 */
export function buildRunRequest(prompt: string, flags: RunFlags, cwd: string): RunRequest {
  const request: RunRequest = { prompt, agents: parseInteger('agents', flags.agents) };
  if (flags.model !== undefined) request.model = flags.model;
  if (flags.baseRepo !== undefined) {
    request.baseRepo = isAbsolute(flags.baseRepo) ? flags.baseRepo : resolve(cwd, flags.baseRepo);
  }
  if (flags.baseRef !== undefined) request.baseRef = flags.baseRef;
  if (flags.maxTurns !== undefined) request.maxTurns = parseInteger('maxTurns', flags.maxTurns);
  if (flags.timeout !== undefined) request.timeoutSeconds = parseInteger('timeoutSeconds', flags.timeout);
  if (flags.check !== undefined) request.check = flags.check;
  if (flags.budget !== undefined) request.budgetUsd = parseDollars('budgetUsd', flags.budget);
  if (flags.setup !== undefined) request.setup = flags.setup;
  if (flags.copy !== undefined) request.copyFiles = flags.copy;
  return request;
}

/** The exit code for a run that has finished: 0 only when every agent succeeded. */
export function exitCodeFor(run: Run): number {
  return run.status === 'succeeded' ? EXIT.ok : EXIT.failed;
}

/** `fanout run "<prompt>" -n N`: creates a run, follows it to the end, shows what each agent did. */
export async function runCommand(
  ctx: CommandContext,
  promptArgument: string,
  flags: RunFlags,
): Promise<number> {
  const prompt = await readPrompt(promptArgument, ctx.io.readStdin);
  const request = buildRunRequest(prompt, flags, ctx.io.cwd);
  const created = await ctx.client.createRun(request);

  if (flags.detach) {
    if (ctx.options.json) printJson(ctx, created);
    else {
      printLine(ctx, `run ${created.id} created with ${created.agents.length} agents`);
      printLine(ctx, `  fanout show ${created.id}`);
      printLine(ctx, `  fanout logs ${created.id} 0 --follow`);
    }
    return EXIT.ok;
  }

  const view: ProgressView = ctx.options.json
    ? silentProgress()
    : ctx.io.stdout.isTTY
      ? liveProgress(ctx)
      : plainProgress(ctx);
  const abort = new AbortController();
  const stopListening = ctx.io.onInterrupt(() => abort.abort());
  let run = created;
  try {
    view.update(run);
    for await (const event of followRunEvents(ctx.client, run.id, {
      signal: abort.signal,
      onReconnect: (reason, delay) => view.reconnecting(reason, delay),
    })) {
      if (event.event === 'run') run = event.data;
      else if (event.event === 'agent') {
        const agent = event.data;
        run = { ...run, agents: run.agents.map((a) => (a.index === agent.index ? agent : a)) };
      } else continue;
      view.update(run);
    }
  } finally {
    view.stop();
    stopListening();
  }

  if (abort.signal.aborted) {
    const hints: [string, string][] = [
      [`fanout show ${run.id}`, 'where it is now'],
      [`fanout logs ${run.id} 0 --follow`, 'what agent-0 is doing'],
      [`fanout cancel ${run.id}`, 'stop it'],
    ];
    const width = Math.max(...hints.map(([command]) => command.length));
    printNote(
      ctx,
      [
        `fanout: stopped following run ${run.id}; it goes on without you.`,
        ...hints.map(([command, what]) => `  ${command.padEnd(width)}  ${what}`),
      ].join('\n'),
    );
    return EXIT.interrupted;
  }
  // The stream ends with the final run; if it ended otherwise (a resumed stream with nothing left), ask.
  if (!isFinalRunStatus(run.status)) run = await ctx.client.getRun(run.id);

  if (ctx.options.json) {
    printJson(ctx, run);
  } else {
    const now = ctx.now();
    printLine(ctx);
    printLine(ctx, agentsTable(run, ctx.colors, now));
    printLine(ctx);
    printLine(ctx, runSummaryLine(run, ctx.colors, now));
    printLine(ctx);
    printLine(ctx, inspectHints(run, ctx.colors));
  }
  return exitCodeFor(run);
}
