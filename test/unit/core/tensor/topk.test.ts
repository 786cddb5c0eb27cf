import { describe, expect, it } from 'vitest';
import { argmax, topK } from '../../../../src/core/tensor/topk';
import { createRng } from '../../../../src/core/decoding/rng';

describe('topK', () => {
  it('returns indices in descending value order', () => {
    expect(topK([0.05, 0.6, 0.05, 0.2], 2)).toEqual([1, 3]);
    expect(topK([1, 5, 3, 4, 2], 5)).toEqual([1, 3, 2, 4, 0]);
  });

  it('breaks ties by the lower index', () => {
    expect(topK([2, 7, 7, 1, 7], 2)).toEqual([1, 2]);
    expect(topK([0, 0, 0], 3)).toEqual([0, 1, 2]);
    expect(argmax([3, 9, 9])).toBe(1);
  });

  it('clamps k to the length and ranks NaN below −∞', () => {
    expect(topK([1, 2], 5)).toEqual([1, 0]);
    expect(topK([1, 2], 0)).toEqual([]);
    expect(topK([Number.NaN, -Infinity, 0], 3)).toEqual([2, 1, 0]);
    expect(argmax([Number.NaN, -Infinity])).toBe(1);
  });

  it('agrees with a stable full sort on random data with ties', () => {
    const rng = createRng(7);
    const values = Array.from({ length: 500 }, () => Math.floor(rng() * 40));
    const oracle = values
      .map((v, i) => ({ v, i }))
      .sort((a, b) => b.v - a.v || a.i - b.i)
      .map((e) => e.i);
    expect(topK(new Float32Array(values), 37)).toEqual(oracle.slice(0, 37));
    expect(argmax(values)).toBe(oracle[0]);
  });

  it('refuses a bad k and an empty argmax', () => {
    expect(() => topK([1], -1)).toThrow(/non-negative integer/);
    expect(() => argmax([])).toThrow(/empty/);
  });
});
