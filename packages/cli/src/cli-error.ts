/** Exit codes of the `fanout` command. */
export const EXIT = {
  ok: 0,
  /** A command failed, or `fanout run` followed a run that finished without succeeding. */
  failed: 1,
  /** Bad flags or arguments (or a request the server refused as invalid). */
  usage: 2,
  /** Ctrl-C while following a run (128 + SIGINT). */
  interrupted: 130,
} as const;

const MARKER = Symbol.for('fanout.CliError');

/**
 * The one error type of the CLI: a message that is shown as one line (`fanout: <message>`) and the exit
 * code. Everything else that escapes a command is a bug and is shown with its stack.
 */
export class CliError extends Error {
  readonly [MARKER] = true;
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.failed) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }

  static isInstance(value: unknown): value is CliError {
    return typeof value === 'object' && value !== null && MARKER in value;
  }
}

/** A mistake in the command line: exit code 2. */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT.usage);
}
