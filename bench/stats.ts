/** Small statistics over samples. Pure. */

/** The value at quantile `q` (0–1) by the nearest-rank method; NaN for no samples. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

export interface Spread {
  median: number;
  min: number;
  max: number;
  count: number;
}

export function spread(samples: readonly number[]): Spread {
  return {
    median: median(samples),
    min: samples.length ? Math.min(...samples) : Number.NaN,
    max: samples.length ? Math.max(...samples) : Number.NaN,
    count: samples.length,
  };
}

export interface Latency {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

export function latency(samples: readonly number[]): Latency {
  return {
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    max: samples.length ? Math.max(...samples) : Number.NaN,
    count: samples.length,
  };
}
