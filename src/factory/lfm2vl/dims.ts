// Dimensions of the synthetic LFM2-VL: a SigLIP2 NaFlex-like tower (linear patch embedding over flattened
// patches, a learned position grid resized to each image's own patch grid, padded patches masked) whose last hidden
// state is pixel-unshuffled 2 × 2 into the image tokens, and an LFM2-like hybrid decoder (gated short convolutions
// and attention layers) built from the synthetic llava's decoder weights.
import { SIZES, type LlavaDims } from '../llava/dims';
import { LFM2VL_VOCABULARY } from './vocabulary';

export type LayerType = 'conv' | 'full_attention';

export interface Lfm2VlDims {
  /** Weights come from the llava generator: its `vision.layers - 1` generated layers are this tower's layers. */
  readonly base: LlavaDims;
  /** Side of the learned position grid the tower resizes to each image (vision_config.num_patches = side²). */
  readonly positionSide: number;
  /** Each image token is a downsample × downsample block of patches (pixel unshuffle). */
  readonly downsample: number;
  /** Taps of the causal depthwise convolution (text_config.conv_L_cache); the carried state holds this many steps. */
  readonly convLCache: number;
  /** One entry per decoder layer: LFM2 starts with convolutions and interleaves attention. */
  readonly layerTypes: readonly LayerType[];
  /** The processor's bounds on image tokens per image; it resizes every image to a grid inside them. */
  readonly minImageTokens: number;
  readonly maxImageTokens: number;
}

export const LFM2VL_TINY: Lfm2VlDims = {
  base: {
    ...SIZES.tiny,
    // 4 px patches; the position grid is 4 × 4 (16 positions), resized to each image's patch grid.
    vision: { ...SIZES.tiny.vision, imageSize: 16, patchSize: 4 },
    text: { ...SIZES.tiny.text, layers: 4, vocabSize: LFM2VL_VOCABULARY.length },
  },
  positionSide: 4,
  downsample: 2,
  convLCache: 3,
  layerTypes: ['conv', 'full_attention', 'conv', 'full_attention'],
  minImageTokens: 4,
  maxImageTokens: 16,
};

/** Pixels per image token side (the processor's encoder_patch_size × downsample_factor). */
export const tokenPixels = (d: Lfm2VlDims): number => d.base.vision.patchSize * d.downsample;
/** Patches every tile is padded to (the processor's max_num_patches; the tile is one token grid at most). */
export const maxPatches = (d: Lfm2VlDims): number => d.maxImageTokens * d.downsample ** 2;
/** The processor's tile edge: one tile holds exactly maxPatches patches. */
export const tileSize = (d: Lfm2VlDims): number => Math.sqrt(maxPatches(d)) * d.base.vision.patchSize;
/** Flattened patch length, 3 channels innermost (the processor's patch layout). */
export const patchDim = (d: Lfm2VlDims): number => 3 * d.base.vision.patchSize ** 2;
/** Encoder layers in config.json: all of them run, the projector reads the last. */
export const towerLayers = (d: Lfm2VlDims): number => d.base.vision.layers - 1;
