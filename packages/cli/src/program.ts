import { createRequire } from 'node:module';
import { Command } from 'commander';
import { ApiClient } from './api/client.js';
import { collectValues } from './arguments.js';
import { cancelCommand } from './commands/cancel.js';
import type { CommandContext } from './commands/context.js';
import { diffCommand } from './commands/diff.js';
import { lsCommand, type LsFlags } from './commands/ls.js';
import { logsCommand, type LogsFlags } from './commands/logs.js';
import { mergeCommand, type MergeFlags } from './commands/merge.js';
import { runCommand, type RunFlags } from './commands/run.js';
import { scorecardCommand } from './commands/scorecard.js';
import { showCommand } from './commands/show.js';
import { DEFAULT_SERVER, resolveGlobalOptions, type GlobalFlags } from './global-options.js';
import type { CliIo } from './io.js';
import { makeColors } from './render/colors.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/**
 * The command line: flags and arguments, each command wired to its function. Commands return their exit
 * code through `setExitCode`; errors are thrown to `main`, the one place that prints them.
 */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('fanout')
    .description('Run one coding prompt on N Claude Code agents at once, each on its own git branch.')
    .version(version, '-V, --version')
    .option('--server <url>', `fanout server (default: $FANOUT_SERVER or ${DEFAULT_SERVER})`)
    .option('--token <token>', 'API token of the server (default: $FANOUT_API_TOKEN)')
    .option('--json', 'machine-readable output')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // main prints commander's errors, as one line like every other error.
      outputError: () => undefined,
    })
    .showSuggestionAfterError()
    .helpCommand(false);

  const context = (command: Command): CommandContext => {
    const options = resolveGlobalOptions(
      command.optsWithGlobals<GlobalFlags>(),
      io.env,
      io.stdout.isTTY === true,
    );
    return {
      client: new ApiClient({ server: options.server, token: options.token }),
      options,
      io,
      colors: makeColors(options.color),
      now: () => new Date(),
    };
  };

  program
    .command('run')
    .description('start a run and follow it to the end')
    .argument('<prompt>', 'the task for every agent ("-" reads it from standard input)')
    .requiredOption('-n, --agents <count>', 'how many agents to run')
    .option('-m, --model <model>', "model for every agent (default: the server's)")
    .option('--base-repo <path>', 'start from this git repository (default: an empty one)')
    .option('--base-ref <ref>', 'branch, tag or commit of --base-repo to start from (default: its HEAD)')
    .option('--max-turns <n>', 'most turns each agent may take')
    .option('--timeout <seconds>', 'stop each agent after this long')
    .option(
      '--check <command>',
      "shell command run in each agent's worktree after it stops (e.g. 'npm test')",
    )
    .option('--budget <usd>', 'spending limit for the whole run in US dollars, split evenly among the agents')
    .option(
      '--setup <command>',
      "shell command run in each agent's worktree before it starts (e.g. 'npm ci')",
    )
    .option(
      '--copy <path>',
      'file or directory of --base-repo copied into each worktree, never committed (repeat for more)',
      collectValues,
    )
    .option('-d, --detach', 'create the run and return without following it')
    .addHelpText(
      'after',
      '\nExit code: 0 when every agent succeeded, 1 when the run finished otherwise, 130 on Ctrl-C\n(which stops following, not the run).',
    )
    .action(async (prompt: string, flags: RunFlags, command: Command) => {
      setExitCode(await runCommand(context(command), prompt, flags));
    });

  program
    .command('ls')
    .description('list runs, newest first')
    .option('-l, --limit <n>', 'how many runs to show (default: 20)')
    .option('-a, --all', 'every run')
    .action(async (flags: LsFlags, command: Command) => {
      setExitCode(await lsCommand(context(command), flags));
    });

  program
    .command('show')
    .description('show a run and its agents')
    .argument('<run>', 'run id')
    .action(async (run: string, _flags: unknown, command: Command) => {
      setExitCode(await showCommand(context(command), run));
    });

  program
    .command('diff')
    .description("print an agent's changes as a unified diff")
    .argument('<run>', 'run id')
    .argument('<agent>', 'agent index (0) or branch (agent-0)')
    .action(async (run: string, agent: string, _flags: unknown, command: Command) => {
      setExitCode(await diffCommand(context(command), run, agent));
    });

  program
    .command('logs')
    .description("show an agent's transcript: what it said, the tools it used, how it ended")
    .argument('<run>', 'run id')
    .argument('<agent>', 'agent index (0) or branch (agent-0)')
    .option('-f, --follow', 'go on showing new messages until the agent finishes')
    .action(async (run: string, agent: string, flags: LogsFlags, command: Command) => {
      setExitCode(await logsCommand(context(command), run, agent, flags));
    });

  program
    .command('cancel')
    .description('stop every unfinished agent of a run (their work so far is committed)')
    .argument('<run>', 'run id')
    .action(async (run: string, _flags: unknown, command: Command) => {
      setExitCode(await cancelCommand(context(command), run));
    });

  program
    .command('scorecard')
    .description('rank the agents of a run, best first: status, check, size of the change, cost, time, turns')
    .argument('<run>', 'run id')
    .action(async (run: string, _flags: unknown, command: Command) => {
      setExitCode(await scorecardCommand(context(command), run));
    });

  program
    .command('merge')
    .description(
      "merge a finished agent's branch into the run's main, or into a new branch of the base repository",
    )
    .argument('<run>', 'run id')
    .argument('<agent>', 'agent index (0) or branch (agent-0)')
    .option(
      '--into <target>',
      "main (the run's main branch, default) or base (a new branch fanout/<run>/agent-<n> of the base repository)",
    )
    .addHelpText('after', '\nA conflict changes nothing: it exits 1 and names the conflicting files.')
    .action(async (run: string, agent: string, flags: MergeFlags, command: Command) => {
      setExitCode(await mergeCommand(context(command), run, agent, flags));
    });

  return program;
}
