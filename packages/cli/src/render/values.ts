import type { DiffStat } from '@fanout/shared';

/** Shown where a figure is unknown. */
export const NONE = '–';

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return NONE;
  if (usd === 0) return '$0';
  if (usd < 1) return `$${usd.toFixed(4)}`;
  if (usd < 100) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd)}`;
}

/** `850ms`, `12s`, `3m 05s`, `2h 04m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return NONE;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Time between two ISO timestamps (the second defaults to `now`), in whole seconds; `–` without a start. */
export function formatElapsed(from: string | null, to: string | null, now: Date): string {
  if (from === null) return NONE;
  const end = to === null ? now.getTime() : Date.parse(to);
  const ms = Math.max(0, end - Date.parse(from));
  return ms < 1000 ? '0s' : formatDuration(ms);
}

/** `just now`, `42s ago`, `5m ago`, `3h ago`, `2d ago`, then the date. */
export function formatAge(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  if (!Number.isFinite(ms)) return NONE;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ago`;
  const days = Math.floor(hours / 24);
  if (days < 30) return `${days}d ago`;
  return iso.slice(0, 10);
}

/** Cuts `text` to `max` characters, ending with `…` when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** One line: whitespace (newlines included) collapsed, cut to `max`. */
export function excerpt(text: string, max: number): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}

export function formatFiles(stat: DiffStat | null): string {
  return stat === null ? NONE : String(stat.files);
}

/** `+12 -3`. */
export function formatChanges(stat: DiffStat | null): string {
  return stat === null ? NONE : `+${stat.insertions} -${stat.deletions}`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
