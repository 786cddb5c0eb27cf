import { describe, expect, it } from 'vitest';
import { damroScores, topScoredTokens } from '../../../../src/core/decoding/contrastive';
import { createRng } from '../../../../src/core/decoding/rng';
import { greedy } from '../../../../src/core/decoding/sampling';
import { softmax } from '../../../../src/core/tensor/softmax';

describe('damroScores', () => {
  // src/core/damro-spec.md §1.3 worked example.
  const l = new Float32Array([3.0, 2.5, 0.0, -1.0]);
  const c = new Float32Array([3.5, 1.0, 0.5, -2.0]);

  it('reproduces the spec example: cutoff, kept set, masked scores, softmax', () => {
    const { scores, cutoff, kept } = damroScores(l, c, { alpha: 0.5, beta: 0.1 });
    expect(cutoff).toBeCloseTo(0.6974, 4);
    expect(kept).toBe(2);
    expect(Array.from(scores)).toEqual([2.75, 3.25, -Infinity, -Infinity]);
    const p = softmax(scores);
    expect(p[0]).toBeCloseTo(0.3775, 4);
    expect(p[1]).toBeCloseTo(0.6225, 4);
    expect([p[2], p[3]]).toEqual([0, 0]);
    expect(greedy(scores)).toBe(1);
    expect(greedy(l)).toBe(0);
  });

  it('with α = 0 leaves kept logits unchanged, so greedy DAMRO equals greedy baseline', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 20; trial++) {
      const full = Float32Array.from({ length: 300 }, () => rng() * 10 - 5);
      const other = Float32Array.from({ length: 300 }, () => rng() * 10 - 5);
      const { scores } = damroScores(full, other, { alpha: 0, beta: 0.1 });
      scores.forEach((s, v) => expect(s === -Infinity || s === full[v]).toBe(true));
      expect(greedy(scores)).toBe(greedy(full));
    }
  });

  it('keeps exactly the tokens with p_v ≥ β·max p (explicit probabilities, random vectors)', () => {
    const rng = createRng(2024);
    for (let trial = 0; trial < 50; trial++) {
      const beta = [0.01, 0.1, 0.5, 0.9][trial % 4];
      const full = Float32Array.from({ length: 1000 }, () => rng() * 8 - 4);
      const other = Float32Array.from({ length: 1000 }, () => rng() * 8 - 4);
      const { scores, kept } = damroScores(full, other, { alpha: 1.5, beta });
      // Independent oracle: normalised probabilities in float64.
      const w = Array.from(full, (v) => Math.exp(v));
      const z = w.reduce((a, b) => a + b, 0);
      const p = w.map((x) => x / z);
      const pMax = Math.max(...p);
      let expectedKept = 0;
      p.forEach((pv, v) => {
        if (Math.abs(pv - beta * pMax) < 1e-12) return;
        const keep = pv >= beta * pMax;
        if (keep) expectedKept++;
        expect(scores[v] !== -Infinity, `token ${v}`).toBe(keep);
        if (keep) expect(scores[v]).toBeCloseTo(2.5 * full[v] - 1.5 * other[v], 4);
      });
      expect(kept).toBe(expectedKept);
    }
  });

  it('never keeps a −∞ full-branch token and writes into a given buffer', () => {
    const out = new Float32Array(3);
    const result = damroScores([0, -Infinity, -0.5], [1, 1, 1], { alpha: 2, beta: 0.001 }, out);
    expect(result.scores).toBe(out);
    expect(Array.from(out)).toEqual([-2, -Infinity, -3.5]);
    expect(result.kept).toBe(2);
  });

  it('β = 0 keeps every finite token, as the reference’s cutoff ln 0 + max = −∞ does', () => {
    // s = (1+α)·l − α·c with α = 2, c = 1: 3·0 − 2 = −2; 3·(−50) − 2 = −152 (which any β > 0 of 1e−21 or more drops).
    const result = damroScores([0, -Infinity, -50], [1, 1, 1], { alpha: 2, beta: 0 });
    expect(result.cutoff).toBe(-Infinity);
    expect(Array.from(result.scores)).toEqual([-2, -Infinity, -152]);
    expect(result.kept).toBe(2);
    expect(damroScores([0, -Infinity, -50], [1, 1, 1], { alpha: 2, beta: 1e-21 }).kept).toBe(1);
  });

  it('refuses mismatched branches and non-finite outlier logits on kept tokens (α and β are checked at the request)', () => {
    expect(() => damroScores([0, 1], [0], { alpha: 1, beta: 0.1 })).toThrow(/vocabulary size/);
    expect(() => damroScores([0, 1], [0, -Infinity], { alpha: 1, beta: 0.1 })).toThrow(/token 1/);
  });
});

describe('topScoredTokens', () => {
  it('keeps the normaliser for huge logits: four tied tokens each get 1/4', () => {
    // As exp(l − logsumexp) this was exp(1e17 − (1e17 + ln 4)) = exp(0) = 1 each: 1e17 + ln 4 rounds to 1e17.
    const top = topScoredTokens(new Float32Array([1e17, 1e17, 1e17, 1e17, 0]), 4);
    expect(top.map((t) => t.probability)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('lists the top tokens with their softmax probabilities', () => {
    const top = topScoredTokens(new Float32Array([3.0, 2.5, 0.0, -1.0]), 3);
    expect(top.map((t) => t.id)).toEqual([0, 1, 2]);
    expect(top.map((t) => t.logit)).toEqual([3, 2.5, 0]);
    [0.5971, 0.3622, 0.0297].forEach((p, i) => expect(top[i].probability).toBeCloseTo(p, 4));
  });
});
