import { isFinalAgentStatus } from '@fanout/shared';
import { followRunEvents } from '../api/follow-events.js';
import { parseAgentIndex, parseRunId } from '../arguments.js';
import { CliError, EXIT } from '../cli-error.js';
import { parseTranscript, transcriptLines } from '../render/transcript.js';
import { printNote, type CommandContext } from './context.js';

export interface LogsFlags {
  follow?: boolean | undefined;
}

/**
 * `fanout logs <run> <agent>`: what the agent did, readable (or raw ndjson with `--json`). With `--follow`
 * it replays the transcript from the run's event stream and goes on live until the agent finishes.
 */
export async function logsCommand(
  ctx: CommandContext,
  runArgument: string,
  agentArgument: string,
  flags: LogsFlags,
): Promise<number> {
  const id = parseRunId(runArgument);
  const index = parseAgentIndex(agentArgument);
  const show = (message: unknown) => {
    if (ctx.options.json) ctx.io.stdout.write(`${JSON.stringify(message)}\n`);
    else for (const line of transcriptLines(message, ctx.colors)) ctx.io.stdout.write(`${line}\n`);
  };

  if (!flags.follow) {
    const ndjson = await ctx.client.agentTranscript(id, index);
    if (ctx.options.json) ctx.io.stdout.write(ndjson);
    else for (const message of parseTranscript(ndjson)) show(message);
    if (ndjson.trim() === '') printNote(ctx, `(agent-${index} has no transcript yet)`);
    return EXIT.ok;
  }

  const run = await ctx.client.getRun(id);
  const agent = run.agents.find((a) => a.index === index);
  if (!agent) throw new CliError(`run ${run.id} has no agent ${index} (it has ${run.agents.length})`);

  const abort = new AbortController();
  const stopListening = ctx.io.onInterrupt(() => abort.abort());
  try {
    // From the start ('0'): the stream replays every message, then goes on live.
    for await (const event of followRunEvents(ctx.client, id, {
      lastEventId: '0',
      signal: abort.signal,
      onReconnect: (reason, delay) =>
        printNote(ctx, `fanout: connection lost (${reason}); reconnecting in ${Math.ceil(delay / 1000)} s`),
    })) {
      if (event.event === 'message' && event.data.agent === index) show(event.data.message);
      if (event.event === 'agent' && event.data.index === index && isFinalAgentStatus(event.data.status))
        break;
    }
  } finally {
    stopListening();
  }
  return abort.signal.aborted ? EXIT.interrupted : EXIT.ok;
}
