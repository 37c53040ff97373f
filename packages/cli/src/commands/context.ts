import type { ApiClient } from '../api/client.js';
import type { GlobalOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { Colors } from '../render/colors.js';

/** What every command gets: the API client, the resolved global options, the process's I/O. */
export interface CommandContext {
  client: ApiClient;
  options: GlobalOptions;
  io: CliIo;
  /** Colours for standard output. */
  colors: Colors;
  now: () => Date;
}

export function printLine(ctx: CommandContext, text = ''): void {
  ctx.io.stdout.write(`${text}\n`);
}

export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A note for a person at a terminal, on standard error so it never mixes into piped output. */
export function printNote(ctx: CommandContext, text: string): void {
  ctx.io.stderr.write(`${text}\n`);
}
