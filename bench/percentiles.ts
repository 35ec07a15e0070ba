/** p50 and p95 of a set of durations, and how many there were. */
export interface Summary {
  count: number;
  p50: number;
  p95: number;
}

/**
 * The p-th percentile (0..100) by the nearest-rank method: the smallest sample that at least p% of
 * the samples are less than or equal to. Always one of the samples, never an interpolation.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('A percentile needs at least one sample.');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`A percentile lies from 0 to 100, not ${p}.`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function summarize(samples: readonly number[]): Summary {
  return { count: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

/** What a path adds on top of a baseline, at the same percentile, absolute and as a ratio. */
export interface Added {
  p50: number;
  p95: number;
  ratioP50: number;
  ratioP95: number;
}

export function added(path: Summary, baseline: Summary): Added {
  return {
    p50: path.p50 - baseline.p50,
    p95: path.p95 - baseline.p95,
    ratioP50: path.p50 / baseline.p50,
    ratioP95: path.p95 / baseline.p95,
  };
}
