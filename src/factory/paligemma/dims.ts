// Dimensions of the synthetic PaliGemma: the synthetic llava's SigLIP-like tower without CLS, whose every patch is
// one image token (PaliGemma's projector is one linear layer, no pooling: 224 px / 14 px → 16 × 16 = 256 tokens), and
// its decoder.
import type { Softcap } from '../llava/decoder-graph';
import { SIZES, type LlavaDims } from '../llava/dims';
import { PALIGEMMA_VOCABULARY } from './vocabulary';

export const PALIGEMMA_TINY: LlavaDims = {
  ...SIZES.tiny,
  // 32 px / 8 px patches = 4 × 4 patches = 16 image tokens.
  text: { ...SIZES.tiny.text, vocabSize: PALIGEMMA_VOCABULARY.length },
};

export const patchSide = (d: LlavaDims): number => d.vision.imageSize / d.vision.patchSize;
/** Image tokens per image (the processor's image_seq_length, config.json's num_image_tokens). */
export const imageSeqLen = (d: LlavaDims): number => patchSide(d) ** 2;
/** Encoder layers in config.json: all of them run, the projector reads the last. */
export const towerLayers = (d: LlavaDims): number => d.vision.layers - 1;

/**
 * PaliGemma 2's Gemma 2 decoder soft-caps its attention scores and logits (50 and 30 in the real config); the tiny
 * decoder's scores are small, so its caps are small enough to change them.
 */
export const PALIGEMMA_SOFTCAP: Softcap = { attention: 2, final: 5 };
