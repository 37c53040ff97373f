import { CommanderError } from 'commander';
import { CliError, EXIT } from './cli-error.js';
import type { CliIo } from './io.js';
import { buildProgram } from './program.js';

/** Commander's codes for help and version output, which are not errors. */
const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Runs the `fanout` command line (`argv` without the node and script paths) and returns the exit code.
 * The one place where errors are caught and printed: one line, `fanout: <what went wrong>`.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  try {
    await buildProgram(io, (code) => (exitCode = code)).parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    if (NOT_ERRORS.has(error.code)) return EXIT.ok;
    // `fanout` alone: commander has printed the help on stderr.
    if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync')
      return EXIT.usage;
    const message = error.message
      .replace(/^error: /, '')
      .replace(/\n+/g, ' ')
      .trim();
    io.stderr.write(`fanout: ${message} (see fanout --help)\n`);
    return EXIT.usage;
  }
  if (CliError.isInstance(error)) {
    io.stderr.write(`fanout: ${error.message}\n`);
    return error.exitCode;
  }
  // Anything else is a bug in fanout.
  const detail = error instanceof Error ? error.message : String(error);
  io.stderr.write(`fanout: unexpected error: ${detail}\n`);
  if (io.env.FANOUT_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT.failed;
}
