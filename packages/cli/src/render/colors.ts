import picocolors from 'picocolors';
import type { AgentStatus, CheckStatus, RunStatus } from '@fanout/shared';

export type Colors = ReturnType<typeof picocolors.createColors>;

/** Colour functions that do nothing when `enabled` is false (no terminal, `--no-color`, `NO_COLOR`). */
export function makeColors(enabled: boolean): Colors {
  return picocolors.createColors(enabled);
}

/** The outcome of an agent's check: passed green, failed red, error yellow. */
export function paintCheckStatus(status: CheckStatus, colors: Colors): string {
  return status === 'passed'
    ? colors.green(status)
    : status === 'failed'
      ? colors.red(status)
      : colors.yellow(status);
}

/** A run's or an agent's status, coloured by how it went. */
export function paintStatus(status: AgentStatus | RunStatus, colors: Colors): string {
  switch (status) {
    case 'succeeded':
      return colors.green(status);
    case 'failed':
      return colors.red(status);
    case 'partial':
    case 'cancelled':
      return colors.yellow(status);
    case 'running':
    case 'starting':
      return colors.cyan(status);
    case 'queued':
      return colors.dim(status);
  }
}
