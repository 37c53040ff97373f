import { parseAgentIndex, parseRunId } from '../arguments.js';
import { EXIT } from '../cli-error.js';
import { colorDiff } from '../render/diff.js';
import { printNote, type CommandContext } from './context.js';

/** `fanout diff <run> <agent>`: the agent's changes against the run's starting point, as a unified diff. */
export async function diffCommand(
  ctx: CommandContext,
  runArgument: string,
  agentArgument: string,
): Promise<number> {
  const id = parseRunId(runArgument);
  const agent = parseAgentIndex(agentArgument);
  const diff = await ctx.client.agentDiff(id, agent);
  if (diff === '') {
    if (ctx.io.stdout.isTTY) printNote(ctx, `agent-${agent} changed nothing`);
    return EXIT.ok;
  }
  ctx.io.stdout.write(ctx.options.color ? colorDiff(diff, ctx.colors) : diff);
  return EXIT.ok;
}
