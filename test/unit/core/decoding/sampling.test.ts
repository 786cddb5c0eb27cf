import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src/core/decoding/rng';
import { greedy, sampleFromLogits } from '../../../../src/core/decoding/sampling';

const DRAWS = 40_000;

function frequencies(logits: number[], seed: number, options = {}): number[] {
  const rng = createRng(seed);
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < DRAWS; i++) counts[sampleFromLogits(logits, rng, options)]++;
  return counts.map((c) => c / DRAWS);
}

// A binomial frequency stays within 5σ of p (σ = sqrt(p(1−p)/n)) except with probability < 1e-6 per cell.
function expectWithinBound(freq: number[], p: number[]): void {
  p.forEach((pi, i) => {
    const sigma = Math.sqrt((pi * (1 - pi)) / DRAWS);
    expect(Math.abs(freq[i] - pi), `token ${i}: ${freq[i]} vs ${pi}`).toBeLessThanOrEqual(5 * sigma + 1e-12);
  });
}

describe('sampleFromLogits', () => {
  it('draws tokens with softmax frequencies and never a −∞ token', () => {
    // Weights 4 : 2 : 1 : 0 : 1 out of 8.
    const logits = [Math.log(4), Math.log(2), 0, -Infinity, 0];
    expectWithinBound(frequencies(logits, 42), [0.5, 0.25, 0.125, 0, 0.125]);
  });

  it('applies temperature to the logits before the softmax', () => {
    // At T = 2, ln 9 vs 0 becomes ln 3 vs 0, i.e. 3 : 1.
    expectWithinBound(frequencies([Math.log(9), 0], 3, { temperature: 2 }), [0.75, 0.25]);
  });

  it('restricts top-p to the smallest nucleus reaching p, renormalised', () => {
    // Probabilities 0.5, 0.3, 0.15, 0.05: p = 0.75 keeps the first two (0.5 < 0.75 ≤ 0.8) → 5/8, 3/8.
    const logits = [0.5, 0.3, 0.15, 0.05].map(Math.log);
    expectWithinBound(frequencies(logits, 5, { topP: 0.75 }), [0.625, 0.375, 0, 0]);
    expectWithinBound(frequencies(logits, 5, { topP: 0.81 }), [0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0]);
  });

  it('replays the same tokens for the same seed', () => {
    const logits = new Float32Array([0.1, 0.4, -0.3, 1.2, 0]);
    const run = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 50 }, () => sampleFromLogits(logits, rng));
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(9));
  });

  it('returns the only finite token even when rng() is next to 1', () => {
    expect(sampleFromLogits([-Infinity, 3, -Infinity], () => 0.9999999999)).toBe(1);
    expect(sampleFromLogits([0, 0, -Infinity], () => 1 - 2 ** -53)).toBe(1);
  });

  it('refuses invalid options', () => {
    const rng = createRng(1);
    expect(() => sampleFromLogits([0, 1], rng, { temperature: 0 })).toThrow(/greedy/);
    expect(() => sampleFromLogits([0, 1], rng, { topP: 0 })).toThrow(/top-p/);
  });
});

describe('greedy', () => {
  it('takes the highest logit, lower id on ties', () => {
    expect(greedy(new Float32Array([1, 4, 4, -Infinity]))).toBe(1);
  });
});
