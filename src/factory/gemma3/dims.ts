// Dimensions of the synthetic Gemma 3: a SigLIP-like tower without CLS whose last hidden state is average-pooled
// pool × pool into the image tokens (Gemma 3 pools its 64 × 64 patches 4 × 4 into 256 tokens), and the synthetic
// llava's decoder.
import { SIZES, type LlavaDims } from '../llava/dims';
import { GEMMA3_VOCABULARY } from './vocabulary';

export interface Gemma3Dims {
  /** Weights come from the llava generator: its `vision.layers - 1` generated layers are this tower's layers. */
  readonly base: LlavaDims;
  /** Each image token is the average of a pool × pool block of patches. */
  readonly pool: number;
}

export const GEMMA3_TINY: Gemma3Dims = {
  base: {
    ...SIZES.tiny,
    // 64 px / 8 px patches = 8 × 8 patches → 4 × 4 = 16 image tokens with 2 × 2 pooling.
    vision: { ...SIZES.tiny.vision, imageSize: 64, patchSize: 8 },
    text: { ...SIZES.tiny.text, vocabSize: GEMMA3_VOCABULARY.length },
  },
  pool: 2,
};

export const patchSide = (d: Gemma3Dims): number => d.base.vision.imageSize / d.base.vision.patchSize;
/** Image tokens per image (config.json's mm_tokens_per_image, the processor's image_seq_length). */
export const imageSeqLen = (d: Gemma3Dims): number => (patchSide(d) / d.pool) ** 2;
/** Encoder layers in config.json: all of them run, the projector reads the last. */
export const towerLayers = (d: Gemma3Dims): number => d.base.vision.layers - 1;
