// Dimensions of the synthetic Qwen2-VL: a ViT over flattened patches (patch × patch pixels, two temporal copies of a
// still image) with 2-D rotary positions and no CLS, whose 2 × 2 neighbouring patches the merger joins into one image
// token; the processor sizes the patch grid to each image between min_pixels and max_pixels. The decoder is the
// synthetic llava's, with multimodal rotary positions (M-RoPE) split into mrope_section frequency bands.
import { SIZES, type LlavaDims } from '../llava/dims';
import { QWEN2VL_VOCABULARY } from './vocabulary';

export interface Qwen2VLDims {
  /** Weights come from the llava generator: its `vision.layers - 1` generated layers are this tower's layers. */
  readonly base: LlavaDims;
  readonly patchSize: number;
  readonly mergeSize: number;
  readonly temporalPatchSize: number;
  readonly minPixels: number;
  readonly maxPixels: number;
  /** Frequency pairs per axis (time, height, width) of the decoder's rotary; they sum to headDim / 2. */
  readonly mropeSection: readonly [number, number, number];
  /** The vision rotary's base. */
  readonly visionTheta: number;
  /** vision_encoder's grid input: grid_thw (Qwen2-VL) or image_grid_thw (Qwen2.5-VL). */
  readonly gridInput: 'grid_thw' | 'image_grid_thw';
  /**
   * Qwen2.5-VL's windowed tower: blocks not in `fullBlocks` attend only within windows of `tokens` × `tokens` image
   * tokens, and the tower runs on the tokens reordered window by window.
   */
  readonly windows?: { readonly tokens: number; readonly fullBlocks: readonly number[] };
}

export const QWEN2VL_TINY: Qwen2VLDims = {
  base: {
    ...SIZES.tiny,
    text: { ...SIZES.tiny.text, vocabSize: QWEN2VL_VOCABULARY.length },
  },
  patchSize: 4,
  mergeSize: 2,
  temporalPatchSize: 2,
  // 8-pixel merged patches: 4 × 4 tokens at least, 6 × 6 (= 2304 px) at most for a square image.
  minPixels: 16 * 16,
  maxPixels: 48 * 48,
  mropeSection: [2, 3, 3],
  visionTheta: 10000,
  gridInput: 'grid_thw',
};

/** Qwen2.5-VL: three tower blocks, the middle one with full attention, the others in 2 × 2-token windows. */
export const QWEN25VL_TINY: Qwen2VLDims = {
  ...QWEN2VL_TINY,
  base: { ...QWEN2VL_TINY.base, vision: { ...QWEN2VL_TINY.base.vision, layers: 4 } },
  gridInput: 'image_grid_thw',
  windows: { tokens: 2, fullBlocks: [1] },
};

/** Encoder layers in config.json: all of them run, the merger reads the last. */
export const towerLayers = (d: Qwen2VLDims): number => d.base.vision.layers - 1;
/** Values per flattened patch: channels × temporal copies × patch × patch. */
export const patchValues = (d: Qwen2VLDims): number => 3 * d.temporalPatchSize * d.patchSize ** 2;
/** The largest patch-grid side the rotary tables cover. */
export const maxPatchSide = (d: Qwen2VLDims): number =>
  Math.floor(d.maxPixels / (d.patchSize * d.mergeSize) ** 2) * d.mergeSize;
