// Dimensions of the synthetic Moondream 2: the synthetic llava's SigLIP-like tower (no CLS) at 70 px with Moondream's
// 14 px patches (5 × 5 = 25 image tokens, one per patch, as the real 378 px → 27 × 27 = 729), and a Phi-1.5-like
// decoder: LayerNorm with bias, attention and MLP side by side on one normalised input, rotary on half of each head.
import { SIZES, type VisionDims } from '../llava/dims';
import { MOONDREAM_VOCABULARY } from './vocabulary';

export interface PhiDims {
  readonly hidden: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly layers: number;
  readonly maxPositions: number;
  readonly ropeTheta: number;
  /** partial_rotary_factor: rotary turns the first factor · headDim channels of each head. */
  readonly partialRotaryFactor: number;
  readonly layerNormEps: number;
  readonly vocabSize: number;
}

export interface MoondreamDims {
  /** Layers as the llava generator counts them: `layers - 1` are generated and all of them run. */
  readonly vision: VisionDims;
  readonly text: PhiDims;
  readonly outlierPatches: number;
}

/** Moondream 2's tower patch; its config.json names no vision settings, so the adapter knows it by family. */
export const MOONDREAM_PATCH = 14;

export const MOONDREAM_TINY: MoondreamDims = {
  vision: { ...SIZES.tiny.vision, imageSize: 5 * MOONDREAM_PATCH, patchSize: MOONDREAM_PATCH },
  text: {
    hidden: 64,
    // 32-channel heads, rotary on 16: ORT's GroupQueryAttention needs the rotary half-width (cos_cache's second
    // dimension) to be a multiple of 8, as the real 64-channel heads with rotary on 32 give.
    heads: 2,
    intermediate: 128,
    layers: 2,
    maxPositions: 128,
    ropeTheta: 10000,
    partialRotaryFactor: 0.5,
    layerNormEps: 1e-5,
    // Past the 200th id, so the real export's <image> id −200 gathers a row of the table (ONNX Gather wraps it).
    vocabSize: MOONDREAM_VOCABULARY.length,
  },
  outlierPatches: 2,
};

export const patchSide = (d: MoondreamDims): number => d.vision.imageSize / d.vision.patchSize;
export const imageTokens = (d: MoondreamDims): number => patchSide(d) ** 2;
export const headDimOf = (t: PhiDims): number => t.hidden / t.heads;
export const rotaryDimOf = (t: PhiDims): number => headDimOf(t) * t.partialRotaryFactor;
