import { CHECK_OUTPUT_BYTES, type CheckResult } from '@fanout/shared';
import { runCommand, type CommandOptions } from './run-command.js';

export type CheckOptions = Omit<CommandOptions, 'outputBytes'> & { outputBytes?: number };

/** Runs a run's check (see runCommand), keeping the last CHECK_OUTPUT_BYTES of its output. Never rejects. */
export function runCheck(options: CheckOptions): Promise<CheckResult> {
  return runCommand({ ...options, outputBytes: options.outputBytes ?? CHECK_OUTPUT_BYTES });
}
