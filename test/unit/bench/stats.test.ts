// The benchmark statistics against hand-computed values (numpy.percentile's default, linear interpolation, gives
// the same: percentile([1, 3, 5, 7], [25, 50, 75]) = [2.5, 4, 5.5]).
import { describe, expect, it } from 'vitest';
import { formatSummary, interleaved, quantile, ratioOfMedians, relativeSpread, summarize } from '../../bench/stats';

describe('benchmark statistics', () => {
  it('interpolates quantiles between order statistics', () => {
    // [1, 3, 5, 7]: q1 at index 0.75 → 1 + 0.75·2 = 2.5; median at 1.5 → 3 + 0.5·2 = 4; q3 at 2.25 → 5 + 0.25·2 = 5.5.
    expect(summarize([7, 1, 5, 3])).toEqual({ n: 4, median: 4, q1: 2.5, q3: 5.5, min: 1, max: 7 });
    // [2, 4, 6, 8, 10]: the quartiles fall on indices 1, 2, 3 exactly.
    expect(summarize([10, 2, 8, 4, 6])).toEqual({ n: 5, median: 6, q1: 4, q3: 8, min: 2, max: 10 });
    expect(quantile([3], 0.75)).toBe(3);
    expect(() => quantile([], 0.5)).toThrow(/no values/);
  });

  it('takes ratios between medians and spread relative to the median', () => {
    const a = summarize([7, 1, 5, 3]);
    const b = summarize([10, 2, 8, 4, 6]);
    expect(ratioOfMedians(a, b)).toBeCloseTo(4 / 6, 12);
    // (5.5 − 2.5) / 4
    expect(relativeSpread(a)).toBeCloseTo(0.75, 12);
    expect(formatSummary(a)).toBe('4.0 (IQR 2.5–5.5)');
  });

  it('warms every configuration up, then interleaves them round by round', async () => {
    const calls: string[] = [];
    let count = 0;
    const config = (name: string) => async () => {
      calls.push(name);
      return count++;
    };
    const results = await interleaved({ a: config('a'), b: config('b'), c: config('c') }, { warmup: 1, rounds: 2 });
    expect(calls.join(' ')).toBe('a b c a b c a b c');
    // Calls 0–2 are the warm-up and are dropped.
    expect(results).toEqual({ a: [3, 6], b: [4, 7], c: [5, 8] });
  });
});
