// Visual Contrastive Decoding (Leng et al., CVPR 2024): the contrast branch sees the image after forward diffusion to
// step t of a 1000-step schedule, q(v_t | v_0) = N(√ᾱ_t·v_0, (1 − ᾱ_t)·I), applied to the processor's normalised
// pixel values (the paper's §3, "visual uncertainty"); the logits combine as (1+α)·l − α·c under the adaptive
// plausibility cutoff (§4).
import { LensError } from '../../protocol/errors';
import { createGaussian, createRng } from '../decoding/rng';
import { checkAlphaBeta, linearContrast } from './contrast-scores';
import type { MethodSpec } from './method';

export interface VcdParams {
  readonly alpha: number;
  readonly beta: number;
  /** Diffusion step t, 0-based in [0, 999] as the released code indexes its schedule. */
  readonly noiseStep: number;
  /** Seeds the Gaussian noise, so a run replays exactly. */
  readonly noiseSeed: number;
}

export const DIFFUSION_STEPS = 1000;

/**
 * ᾱ_t = Π_{i ≤ t} (1 − β_i) for the released code's schedule, β_i = sigmoid(x_i)·(5e-3 − 1e-5) + 1e-5 with x evenly
 * spaced over [−6, 6] in 1000 points; t is 0-based, so ᾱ_0 = 1 − β_0.
 */
export function diffusionAlphaBar(step: number): number {
  if (!(Number.isInteger(step) && step >= 0 && step < DIFFUSION_STEPS))
    throw new LensError('bad-request', `VCD noise step must be a whole number in [0, 999], got ${step}.`);
  let alphaBar = 1;
  for (let i = 0; i <= step; i++) {
    const x = -6 + (12 * i) / (DIFFUSION_STEPS - 1);
    const beta = (1 / (1 + Math.exp(-x))) * (5e-3 - 1e-5) + 1e-5;
    alphaBar *= 1 - beta;
  }
  return alphaBar;
}

/** √ᾱ_t·x + √(1 − ᾱ_t)·ε with ε ~ N(0, 1) drawn from `seed`: a new array, the input untouched. */
export function addDiffusionNoise(pixels: Float32Array, step: number, seed: number): Float32Array {
  const alphaBar = diffusionAlphaBar(step);
  const signal = Math.sqrt(alphaBar);
  const noise = Math.sqrt(1 - alphaBar);
  const gaussian = createGaussian(createRng(seed));
  return pixels.map((x) => signal * x + noise * gaussian());
}

export const VCD: MethodSpec<VcdParams> = {
  name: 'vcd',
  label: 'VCD',
  citation: {
    authors: 'Leng et al.',
    title: 'Mitigating Object Hallucinations in Large Vision-Language Models through Visual Contrastive Decoding',
    venue: 'CVPR 2024',
    url: 'https://arxiv.org/abs/2311.16922',
    section:
      'Sections 3 (forward-diffusion noise) and 4 (contrast and plausibility cutoff); defaults: vcd_utils in the released code',
  },
  defaults: { alpha: 1, beta: 0.1, noiseStep: 500, noiseSeed: 42 },
  main: 'full-image',
  contrast: 'noised-image',
  validate(params) {
    checkAlphaBeta('VCD', params);
    diffusionAlphaBar(params.noiseStep);
    if (!Number.isInteger(params.noiseSeed))
      throw new LensError('bad-request', `VCD noise seed must be a whole number, got ${params.noiseSeed}.`);
  },
  combine: (main, contrast, params, _step, out) => linearContrast('VCD', main, contrast, params, out),
};
