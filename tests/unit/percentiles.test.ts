import { describe, expect, it } from 'vitest';
import { added, percentile, summarize } from '../../bench/percentiles';

describe('benchmark percentiles', () => {
  it('takes the nearest-rank sample, whatever the order of the samples', () => {
    const samples = [15, 20, 35, 40, 50].reverse();
    expect(percentile(samples, 30)).toBe(20);
    expect(percentile(samples, 40)).toBe(20);
    expect(percentile(samples, 50)).toBe(35);
    expect(percentile(samples, 100)).toBe(50);
  });

  it('gives the smallest sample for the 0th percentile and the only sample of one', () => {
    expect(percentile([7, 3, 9], 0)).toBe(3);
    expect(percentile([42], 95)).toBe(42);
  });

  it('puts p95 of 1..100 at 95 and p50 at 50', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarize(samples)).toEqual({ count: 100, p50: 50, p95: 95 });
  });

  it('refuses an empty set and a percentile outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(/at least one sample/);
    expect(() => percentile([1], 101)).toThrow(/from 0 to 100/);
  });

  it('reports what a path adds over the baseline, in time and as a ratio', () => {
    const baseline = { count: 4, p50: 1000, p95: 1200 };
    const viaRelay = { count: 4, p50: 1004, p95: 1320 };
    expect(added(viaRelay, baseline)).toEqual({ p50: 4, p95: 120, ratioP50: 1.004, ratioP95: 1.1 });
  });
});
