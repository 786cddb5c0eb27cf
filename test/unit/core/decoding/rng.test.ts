import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src/core/decoding/rng';

describe('createRng', () => {
  it('replays the same sequence for the same seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 100 }, a);
    expect(Array.from({ length: 100 }, b)).toEqual(sa);
    expect(Array.from({ length: 100 }, c)).not.toEqual(sa);
  });

  it('matches the published mulberry32 output for seed 0 (first value 1144304738 / 2^32)', () => {
    expect(createRng(0)() * 4294967296).toBe(1144304738);
  });

  it('stays in [0, 1) with a mean near 1/2', () => {
    const rng = createRng(1);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = rng();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    // σ of the mean of 1e5 uniforms is 1/sqrt(12e5) ≈ 0.0009; allow 5σ.
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.0046);
  });
});
