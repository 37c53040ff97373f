/** Exponential backoff with jitter: about 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s at most. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}
