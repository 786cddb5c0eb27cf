import { describe, expect, it } from 'vitest';
import { normalizeMap, percentile } from '../../../../src/core/attention/normalize';

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expected.forEach((e, i) => expect(actual[i], `index ${i}`).toBeCloseTo(e, 6));
}

describe('normalizeMap', () => {
  it("'min-max' maps to [0, 1] and a flat map to zeros", () => {
    expectClose(normalizeMap('min-max', [2, 4, 3]), [0, 1, 0.5]);
    expectClose(normalizeMap('min-max', [7, 7]), [0, 0]);
  });

  it("'sum-to-one' divides by the total", () => {
    expectClose(normalizeMap('sum-to-one', [1, 3]), [0.25, 0.75]);
  });

  it("'percentile-clip' clips at the percentile, then min-max", () => {
    // 0..10 and one outlier 100: the 50th percentile of 12 values is 5.5.
    const values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100];
    expect(percentile(values, 50)).toBeCloseTo(5.5, 12);
    expect(percentile(values, 100)).toBe(100);
    const out = normalizeMap('percentile-clip', values, { percentile: 50 });
    expectClose(out, [0, 1 / 5.5, 2 / 5.5, 3 / 5.5, 4 / 5.5, 5 / 5.5, 1, 1, 1, 1, 1, 1]);
  });

  it("'log' compresses orders of magnitude into even steps", () => {
    expectClose(normalizeMap('log', [1e-4, 1e-2, 1]), [0, 0.5, 1]);
    expectClose(normalizeMap('log', [0, 1e-3, 1], { floor: 1e-6 }), [0, 0.5, 1]);
  });

  it('refuses unknown names and bad options', () => {
    expect(() => normalizeMap('zscore', [1])).toThrow(/use one of min-max, sum-to-one, percentile-clip, log/);
    expect(() => normalizeMap('log', [1], { floor: 0 })).toThrow(/floor/);
    expect(() => percentile([1], 101)).toThrow(/Percentile/);
  });
});
