// Dimensions of the synthetic Idefics3/SmolVLM: a SigLIP-like tower without CLS whose last layer feeds the
// pixel-shuffle connector, and the same Llama decoder as the synthetic llava (SmolLM2 is a Llama).
import { SIZES, type LlavaDims } from '../llava/dims';
import { IDEFICS3_VOCABULARY } from './vocabulary';

export interface Idefics3Dims {
  /** Weights come from the llava generator: its `vision.layers - 1` generated layers are this tower's layers. */
  readonly base: LlavaDims;
  /** Pixel-shuffle factor: each LLM image token packs a scale × scale block of patches. */
  readonly scaleFactor: number;
}

export const IDEFICS3_TINY: Idefics3Dims = {
  base: {
    ...SIZES.tiny,
    // 64 px / 8 px patches = 8 × 8 patches → 4 × 4 = 16 LLM image tokens at scale factor 2.
    vision: { ...SIZES.tiny.vision, imageSize: 64, patchSize: 8 },
    text: { ...SIZES.tiny.text, vocabSize: IDEFICS3_VOCABULARY.length },
  },
  scaleFactor: 2,
};

export const patchSide = (d: Idefics3Dims): number => d.base.vision.imageSize / d.base.vision.patchSize;
export const tokenSide = (d: Idefics3Dims): number => patchSide(d) / d.scaleFactor;
/** LLM image tokens per image (the processor's image_seq_len). */
export const imageSeqLen = (d: Idefics3Dims): number => tokenSide(d) ** 2;
/** Encoder layers in config.json: all of them run, the connector reads the last. */
export const towerLayers = (d: Idefics3Dims): number => d.base.vision.layers - 1;
