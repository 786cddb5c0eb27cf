// Model dimensions per size. `tiny` is for tests and the offline demo; `bench` has the shape of a small real
// LVLM for performance work: a ViT-B/14 tower at 336 px (576 image tokens, as LLaVA-1.5) and a SmolLM-135M-like
// decoder (without grouped KV heads) with SmolVLM's 49,152-token vocabulary, so the costs that grow with the
// vocabulary (logits read back, combine, sampling) and with the image-token count show as on real models.
import { BENCH_VOCABULARY_SIZE, VOCABULARY } from './vocabulary';

export interface VisionDims {
  imageSize: number;
  patchSize: number;
  hidden: number;
  heads: number;
  intermediate: number;
  /** Layers in the config; with vision_feature_layer = -2 the graph runs the first `layers - 1`. */
  layers: number;
  layerNormEps: number;
}

export interface TextDims {
  hidden: number;
  heads: number;
  intermediate: number;
  layers: number;
  maxPositions: number;
  ropeTheta: number;
  rmsNormEps: number;
  vocabSize: number;
}

export interface LlavaDims {
  vision: VisionDims;
  text: TextDims;
  /** How many high-norm outlier patches the vision tower is built with. */
  outlierPatches: number;
}

export type ModelSize = 'tiny' | 'bench';

export const SIZES: Record<ModelSize, LlavaDims> = {
  tiny: {
    vision: { imageSize: 32, patchSize: 8, hidden: 32, heads: 2, intermediate: 64, layers: 3, layerNormEps: 1e-5 },
    text: {
      hidden: 64,
      heads: 4,
      intermediate: 128,
      layers: 2,
      maxPositions: 128,
      ropeTheta: 10000,
      rmsNormEps: 1e-6,
      vocabSize: VOCABULARY.length,
    },
    outlierPatches: 2,
  },
  bench: {
    vision: {
      imageSize: 336,
      patchSize: 14,
      hidden: 768,
      heads: 12,
      intermediate: 3072,
      layers: 12,
      layerNormEps: 1e-5,
    },
    text: {
      hidden: 576,
      heads: 9,
      intermediate: 1536,
      layers: 30,
      maxPositions: 2048,
      ropeTheta: 10000,
      rmsNormEps: 1e-5,
      vocabSize: BENCH_VOCABULARY_SIZE,
    },
    outlierPatches: 4,
  },
};

export const patchesPerSide = (v: VisionDims): number => v.imageSize / v.patchSize;
/** Patch tokens (without CLS); also the number of image tokens the decoder sees. */
export const patchCount = (v: VisionDims): number => patchesPerSide(v) ** 2;
/** Encoder layers the vision graph runs: up to and including layer L-2. */
export const usedVisionLayers = (v: VisionDims): number => v.layers - 1;
export const headDim = (hidden: number, heads: number): number => hidden / heads;

/** Parameters stored in the ONNX files (the unused last vision layer is not exported, as in real exports). */
export function parameterCount(d: LlavaDims): number {
  const { vision: v, text: t } = d;
  const linear = (i: number, o: number, bias: boolean) => i * o + (bias ? o : 0);
  const visionLayer =
    2 * 2 * v.hidden +
    4 * linear(v.hidden, v.hidden, true) +
    linear(v.hidden, v.intermediate, true) +
    linear(v.intermediate, v.hidden, true);
  const embeddings = v.hidden * 3 * v.patchSize ** 2 + v.hidden + (patchCount(v) + 1) * v.hidden + 2 * v.hidden;
  const projector = linear(v.hidden, t.hidden, true) + linear(t.hidden, t.hidden, true);
  const textLayer =
    2 * t.hidden +
    4 * linear(t.hidden, t.hidden, false) +
    2 * linear(t.hidden, t.intermediate, false) +
    linear(t.intermediate, t.hidden, false);
  const text = 2 * t.vocabSize * t.hidden + t.layers * textLayer + t.hidden;
  return embeddings + usedVisionLayers(v) * visionLayer + projector + text;
}
