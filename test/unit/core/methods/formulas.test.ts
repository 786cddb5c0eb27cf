// Each method's formula against a worked example computed by hand from its paper's definition (the arithmetic is in
// the comments; src/core/damro-spec.md §8 records where each definition comes from).
import { describe, expect, it } from 'vitest';
import { tokensWithout } from '../../../../src/core/methods/ablation';
import { blindTokens } from '../../../../src/core/methods/avisc';
import { m3idWeight } from '../../../../src/core/methods/m3id';
import { METHODS } from '../../../../src/core/methods/registry';
import { greedy } from '../../../../src/core/decoding/sampling';
import { createRng } from '../../../../src/core/decoding/rng';
import { softmax } from '../../../../src/core/tensor/softmax';

const f32 = (values: number[]) => Float32Array.from(values);
const combine = <M extends keyof typeof METHODS>(
  method: M,
  main: number[],
  contrast: number[] | undefined,
  params: Parameters<(typeof METHODS)[M]['combine']>[2],
  step = 0,
) => {
  const spec = METHODS[method] as unknown as {
    combine: (...args: unknown[]) => { scores: Float32Array; cutoff: number; kept: number };
  };
  return spec.combine(f32(main), contrast && f32(contrast), params, step, new Float32Array(main.length));
};

describe('DAMRO as a method record', () => {
  it('reproduces the spec’s worked example (src/core/damro-spec.md §1.3)', () => {
    const { scores, kept } = combine('damro', [3.0, 2.5, 0.0, -1.0], [3.5, 1.0, 0.5, -2.0], {
      alpha: 0.5,
      beta: 0.1,
      k: 10,
    });
    expect(Array.from(scores)).toEqual([2.75, 3.25, -Infinity, -Infinity]);
    expect(kept).toBe(2);
  });
});

describe('VCD', () => {
  // α = 1, β = 0.1: cutoff = 2 + ln 0.1 = −0.302585, so token 2 (l = −1) is dropped;
  // s = 2·l − c = [4 − 2.5, 3 − 0.5, ·, 0.8 − 1] = [1.5, 2.5, −∞, −0.2];
  // softmax over the kept three: e^1.5 = 4.481689, e^2.5 = 12.182494, e^−0.2 = 0.818731, sum 17.482914,
  // p = [0.256347, 0.696823, 0, 0.046830]. The noised view backs token 0, so VCD moves the choice from 0 to 1.
  const l = [2.0, 1.5, -1.0, 0.4];
  const c = [2.5, 0.5, 0.0, 1.0];

  it('combines (1+α)·l − α·c under the adaptive plausibility cutoff', () => {
    const { scores, cutoff, kept } = combine('vcd', l, c, METHODS.vcd.defaults);
    expect(cutoff).toBeCloseTo(-0.302585, 6);
    expect(kept).toBe(3);
    expect(scores[2]).toBe(-Infinity);
    [1.5, 2.5, -Infinity, -0.2].forEach((s, v) => expect(scores[v]).toBeCloseTo(s, 6));
    const p = softmax(scores);
    [0.256347, 0.696823, 0, 0.04683].forEach((pv, v) => expect(p[v]).toBeCloseTo(pv, 5));
    expect(greedy(scores)).toBe(1);
    expect(greedy(f32(l))).toBe(0);
  });

  it('has the paper’s defaults: α = 1, β = 0.1, noise step 500 of 1000', () => {
    expect(METHODS.vcd.defaults).toMatchObject({ alpha: 1, beta: 0.1, noiseStep: 500 });
    expect(METHODS.vcd.contrast).toBe('noised-image');
  });
});

describe('M3ID', () => {
  it('weights the contrast by (1 − γ_t)/γ_t = e^{λt} − 1, t counting from 1', () => {
    // γ_1 = e^−0.02, so (1 − γ)/γ = e^0.02 − 1 = 0.0202013; at t = 100, e^2 − 1 = 6.389056.
    expect(m3idWeight(0.02, 0)).toBeCloseTo(0.0202013, 7);
    expect(m3idWeight(0.02, 99)).toBeCloseTo(6.389056, 6);
    expect(m3idWeight(0, 50)).toBe(0);
  });

  it('scores l_c + w·(l_c − l_u) on log-probabilities (hand example, w = 1)', () => {
    // λ = ln 2 at t = 1 gives w = 1, so s = 2·l_c − l_u.
    // l = [2, 1, −1]: log Z = ln(e² + e + e⁻¹) = 2.349012, l_c = [−0.349012, −1.349012, −3.349012].
    // u = [3, 0, 0]: log Z = ln(e³ + 2) = 3.094923, l_u = [−0.094923, −3.094923, −3.094923].
    // s = [−0.603101, 0.396899, ·]; β = 0.1 cuts token 2 (−1 < 2 + ln 0.1 = −0.302585).
    // Kept scores differ by exactly 2·(−1) − (−3) = 1, so p = [1/(1+e), e/(1+e)] = [0.268941, 0.731059].
    const { scores, kept } = combine('m3id', [2, 1, -1], [3, 0, 0], { lambda: Math.log(2), beta: 0.1 });
    expect(kept).toBe(2);
    expect(scores[0]).toBeCloseTo(-0.603101, 5);
    expect(scores[1]).toBeCloseTo(0.396899, 5);
    expect(scores[2]).toBe(-Infinity);
    const p = softmax(scores);
    expect(p[1]).toBeCloseTo(0.731059, 5);
    expect(greedy(scores)).toBe(1);
  });

  it('with λ = 0 keeps the conditioned log-probabilities, so greedy M3ID equals greedy baseline', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 20; trial++) {
      const main = Array.from({ length: 200 }, () => rng() * 10 - 5);
      const other = Array.from({ length: 200 }, () => rng() * 10 - 5);
      const { scores } = combine('m3id', main, other, { lambda: 0, beta: 0.1 }, trial);
      expect(greedy(scores)).toBe(greedy(main));
    }
  });
});

describe('AvisC', () => {
  // 3 layers × 2 heads × 4 image tokens. Head means per layer: L0 [.1 .1 .1 .1] (sum 0.4), L1 [.4 .1 .1 .1] (0.7),
  // L2 [.05 .05 .05 .05] (0.2); shares of 1.3: L1 0.538, L0 0.308, L2 0.154.
  const attention = f32([
    ...[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
    ...[0.5, 0.1, 0.1, 0.1, 0.3, 0.1, 0.1, 0.1],
    ...[0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05],
  ]);
  const dims = { layers: 3, heads: 2, tokens: 4 };

  it('γ = 0.5: layer 1 alone holds 0.538 ≥ γ; scores [.4 .1 .1 .1], mean .175, std .15, threshold .325', () => {
    // Unbiased variance: (0.225² + 3·0.075²)/3 = 0.0225, std 0.15.
    const { blind, layers, threshold } = blindTokens(attention, dims, { layerGamma: 0.5, lambda: 1 });
    expect(Array.from(layers)).toEqual([1]);
    expect(threshold).toBeCloseTo(0.325, 6);
    expect(Array.from(blind)).toEqual([0]);
  });

  it('γ = 0.8: layers 1 and 0 (0.538 < γ ≤ 0.846); scores [.25 .1 .1 .1], threshold .1375 + λ·.075', () => {
    const { blind, layers, threshold } = blindTokens(attention, dims, { layerGamma: 0.8, lambda: 1 });
    expect(Array.from(layers)).toEqual([1, 0]);
    expect(threshold).toBeCloseTo(0.2125, 6);
    expect(Array.from(blind)).toEqual([0]);
    // λ = −1 lowers the threshold to 0.0625: every token counts as blind.
    expect(Array.from(blindTokens(attention, dims, { layerGamma: 0.8, lambda: -1 }).blind)).toEqual([0, 1, 2, 3]);
  });

  it('γ = 0.9: the two layers reach only 0.846 < γ, so the third is taken too', () => {
    expect(Array.from(blindTokens(attention, dims, { layerGamma: 0.9, lambda: 1 }).layers)).toEqual([1, 0, 2]);
  });

  it('combines like VCD: (1+α)·l − α·c under the cutoff', () => {
    // α = 1, β = 0.1 on the VCD example above: [1.5, 2.5, −∞, −0.2].
    const { scores } = combine('avisc', [2.0, 1.5, -1.0, 0.4], [2.5, 0.5, 0.0, 1.0], METHODS.avisc.defaults);
    [1.5, 2.5, -Infinity, -0.2].forEach((s, v) => expect(scores[v]).toBeCloseTo(s, 6));
  });
});

describe('the outlier ablation', () => {
  it('keeps every image token but the outliers, in order, and decodes its own logits plainly', () => {
    expect(Array.from(tokensWithout(6, [4, 1]))).toEqual([0, 2, 3, 5]);
    const { scores, kept } = combine('ablation', [0.5, -1, 2], undefined, { k: 2 });
    expect(Array.from(scores)).toEqual([0.5, -1, 2]);
    expect(kept).toBe(3);
  });
});

describe('parameter checks', () => {
  it('refuses out-of-range parameters, naming the method and the parameter', () => {
    expect(() => METHODS.vcd.validate({ ...METHODS.vcd.defaults, noiseStep: 1000 })).toThrow(/VCD noise step/);
    expect(() => METHODS.vcd.validate({ ...METHODS.vcd.defaults, alpha: -1 })).toThrow(/VCD α/);
    expect(() => METHODS.m3id.validate({ lambda: -0.1, beta: 0.1 })).toThrow(/M3ID λ/);
    expect(() => METHODS.avisc.validate({ ...METHODS.avisc.defaults, layerGamma: 0 })).toThrow(/AvisC γ/);
    expect(() => METHODS.damro.validate({ alpha: 1, beta: 2, k: 3 })).toThrow(/DAMRO β/);
    expect(() => METHODS.ablation.validate({ k: 0 })).toThrow(/ablation's k/);
    for (const spec of Object.values(METHODS)) expect(() => spec.validate(spec.defaults as never)).not.toThrow();
  });

  it('refuses a contrast branch of another vocabulary size', () => {
    expect(() => combine('vcd', [1, 2], [1, 2, 3], METHODS.vcd.defaults)).toThrow(/vocabulary size/);
  });
});
