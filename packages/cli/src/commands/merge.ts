import { parseAgentIndex, parseRunId } from '../arguments.js';
import { EXIT, usageError } from '../cli-error.js';
import { printJson, printLine, type CommandContext } from './context.js';

export interface MergeFlags {
  into?: string;
}

/**
 * `fanout merge <run> <agent> [--into main|base]`: merges a finished agent's branch into the run's
 * `main`, or adds it to the repository the run started from as a new branch.
 */
export async function mergeCommand(
  ctx: CommandContext,
  runArgument: string,
  agentArgument: string,
  flags: MergeFlags,
): Promise<number> {
  const id = parseRunId(runArgument);
  const agent = parseAgentIndex(agentArgument);
  const into = flags.into ?? 'main';
  if (into !== 'main' && into !== 'base') {
    throw usageError(`into: must be main or base (got ${JSON.stringify(into)})`);
  }
  const result = await ctx.client.mergeAgent(id, { agent, into });
  if (ctx.options.json) {
    printJson(ctx, result);
    return EXIT.ok;
  }
  const short = result.commit.slice(0, 12);
  if (result.into === 'main') {
    printLine(
      ctx,
      result.changed
        ? `merged agent-${agent} into main of run ${id} (main is now ${short})`
        : `main of run ${id} already holds agent-${agent}'s work (${short})`,
    );
    printLine(ctx, `  with git, in the server's storage folder: cd run-${id}/repo && git log --oneline main`);
  } else {
    printLine(
      ctx,
      result.changed
        ? `added branch ${result.branch} (${short}) to ${result.repo ?? 'the base repository'}`
        : `branch ${result.branch} (${short}) was already in ${result.repo ?? 'the base repository'}`,
    );
    printLine(ctx, `  git log --oneline ${result.branch}    # in that repository`);
  }
  return EXIT.ok;
}
