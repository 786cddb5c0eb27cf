// Worked examples with the arithmetic written out; the same numbers come from SciPy 1.17's mannwhitneyu and
// spearmanr (quoted), which the project does not run.
import { describe, expect, it } from 'vitest';
import { bootstrapMeanDifference } from '../../../../src/core/stats/bootstrap';
import { mannWhitneyU } from '../../../../src/core/stats/mann-whitney';
import { erfc } from '../../../../src/core/stats/normal';
import { midRanks } from '../../../../src/core/stats/ranks';
import { spearman } from '../../../../src/core/stats/spearman';

describe('midRanks', () => {
  it('gives tied values the mean of the ranks they span', () => {
    // sorted: 1 | 2 2 2 (ranks 2,3,4 → 3) | 3 | 4 | 5 5 (ranks 7,8 → 7.5) | 6
    const { ranks, ties } = midRanks([1, 2, 2, 4, 2, 3, 5, 5, 6]);
    expect([...ranks]).toEqual([1, 3, 3, 6, 3, 5, 7.5, 7.5, 9]);
    expect(ties).toEqual([1, 3, 1, 1, 2, 1]);
  });
  it('refuses NaN', () => expect(() => midRanks([1, Number.NaN])).toThrow(/NaN/));
});

describe('mannWhitneyU', () => {
  it('exact, complete separation: x = [1,2,3], y = [4,5,6]', () => {
    // U1 = 0 (no x beats a y). Of C(6,3) = 20 equally likely arrangements only one has U = 0, so the
    // two-sided p = 2·1/20 = 0.1 (SciPy: 0.1). Rank-biserial = 2·0/9 − 1 = −1.
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(r).toMatchObject({ u1: 0, u2: 9, method: 'exact', effect: -1 });
    expect(r.p).toBeCloseTo(0.1, 12);
  });

  it('exact: x = [3,5,7], y = [1,2,4,6]', () => {
    // U1 = 2 (3 > 1,2) + 3 (5 > 1,2,4) + 4 (7 > all) = 9; U2 = 12 − 9 = 3. The lower tail P(U ≤ 3) counts the
    // partitions of u = 0..3 into at most 3 parts ≤ 4: 1 + 1 + 2 + 3 = 7 of C(7,3) = 35, so p = 2·7/35 = 0.4
    // (SciPy: 0.4). Effect = 2·9/12 − 1 = 0.5 = Cliff's δ (9 wins − 3 losses)/12.
    const r = mannWhitneyU([3, 5, 7], [1, 2, 4, 6]);
    expect(r).toMatchObject({ u1: 9, u2: 3, method: 'exact', effect: 0.5 });
    expect(r.p).toBeCloseTo(0.4, 12);
    expect(mannWhitneyU([1, 2, 4, 6], [3, 5, 7]).p).toBeCloseTo(0.4, 12);
  });

  it('normal approximation with the tie correction: x = [1,2,2,4], y = [2,3,5,5,6]', () => {
    // Mid-ranks of x (see midRanks): 1, 3, 3, 6 → R1 = 13, U1 = 13 − 4·5/2 = 3, mean n1·n2/2 = 10.
    // Ties of 3 and 2: Σ(t³ − t) = 24 + 6 = 30; σ² = (20/12)·(10 − 30/72) = 15.972…, σ = 3.99653.
    // z = (|3 − 10| − ½)/σ = 1.62641; p = erfc(1.62641/√2) = 0.1038619 (SciPy: 0.10386194842613085).
    const r = mannWhitneyU([1, 2, 2, 4], [2, 3, 5, 5, 6]);
    expect(r.method).toBe('normal');
    expect(r.u1).toBe(3);
    expect(r.z).toBeCloseTo(-6.5 / Math.sqrt((20 / 12) * (10 - 30 / 72)), 10);
    expect(r.p).toBeCloseTo(0.10386194842613085, 6);
  });

  it('normal approximation without ties once both samples exceed 8', () => {
    // x = 1..9, y = 4.5..13.5: U1 = Σ over x of the y's below it = 0+0+0+1+2+3+4+5+6 = 15; mean 45,
    // σ² = 90·20/12 = 150; z = (30 − ½)/√150 = 2.40866; p = 0.0160110 (SciPy asymptotic: 0.01601099081051716).
    const r = mannWhitneyU([1, 2, 3, 4, 5, 6, 7, 8, 9], [4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5]);
    expect(r.u1).toBe(15);
    expect(r.p).toBeCloseTo(0.01601099081051716, 6);
  });

  it('exact when only the smaller sample is small: x = [1.5, 7.5, 30], y = 1..20', () => {
    // U1 = 1 + 7 + 20 = 28 (SciPy exact: 0.8977978543195934).
    const r = mannWhitneyU(
      [1.5, 7.5, 30],
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(r).toMatchObject({ u1: 28, method: 'exact' });
    expect(r.p).toBeCloseTo(0.8977978543195934, 10);
  });

  it('says nothing when every value is tied, and refuses an empty group', () => {
    expect(mannWhitneyU([1, 1, 1], [1, 1])).toMatchObject({ p: 1, effect: 0 });
    expect(() => mannWhitneyU([], [1])).toThrow(/both groups/);
  });
});

describe('erfc', () => {
  it('matches tabulated values', () => {
    // Abramowitz & Stegun table 7.1: erfc(0.5) = 0.4795001222, erfc(1) = 0.1572992071, erfc(2) = 0.0046777350.
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(0.5)).toBeCloseTo(0.4795001222, 7);
    expect(erfc(1)).toBeCloseTo(0.1572992071, 7);
    expect(erfc(2)).toBeCloseTo(0.004677735, 8);
    expect(erfc(-1)).toBeCloseTo(2 - 0.1572992071, 7);
  });
});

describe('spearman', () => {
  it('is Pearson on mid-ranks: x = 1..5, y = [5,6,7,8,7]', () => {
    // ranks y = [1, 2, 3.5, 5, 3.5]; deviations x: −2 −1 0 1 2, y: −2 −1 .5 2 .5;
    // Σdxdy = 4+1+0+2+1 = 8, Σdx² = 10, Σdy² = 9.5 → ρ = 8/√95 = 0.8207827 (SciPy: 0.8207826816681233).
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
    expect(spearman([1, 2, 3], [30, 20, 10])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNaN();
  });
});

describe('bootstrapMeanDifference', () => {
  it('is exact for constant groups', () => {
    expect(bootstrapMeanDifference([2, 2, 2], [1, 1], { resamples: 50, seed: 1, level: 0.95 })).toEqual({
      estimate: 1,
      low: 1,
      high: 1,
    });
  });

  it('covers the resampling distribution: x = [0, 1], y = [0]', () => {
    // A resample of x has mean 0, ½ or 1 with probabilities ¼, ½, ¼, so with 4000 draws the 2.5% and 97.5%
    // percentiles are 0 and 1 (each end holds about 1000 draws, far more than the 100 the percentiles need).
    expect(bootstrapMeanDifference([0, 1], [0], { resamples: 4000, seed: 42, level: 0.95 })).toEqual({
      estimate: 0.5,
      low: 0,
      high: 1,
    });
  });

  it('agrees with the normal interval on a large sample, and replays exactly with its seed', () => {
    // x = 0..99: mean 49.5, population sd √((100² − 1)/12) = 28.866; the 95% interval of the mean is about
    // 49.5 ± 1.96·28.866/√100 = 49.5 ± 5.66.
    const x = Array.from({ length: 100 }, (_, i) => i);
    const options = { resamples: 2000, seed: 7, level: 0.95 };
    const ci = bootstrapMeanDifference(x, [0], options);
    expect(ci.estimate).toBe(49.5);
    expect(Math.abs(ci.low - (49.5 - 5.66))).toBeLessThan(0.8);
    expect(Math.abs(ci.high - (49.5 + 5.66))).toBeLessThan(0.8);
    expect(bootstrapMeanDifference(x, [0], options)).toEqual(ci);
    expect(bootstrapMeanDifference(x, [0], { ...options, seed: 8 })).not.toEqual(ci);
  });

  it('has no interval for an empty group', () => {
    const ci = bootstrapMeanDifference([1], []);
    expect(ci.low).toBeNaN();
  });
});
