// LFM2-VL exports (transformers.js's Lfm2VlForConditionalGeneration, a llava subclass, and Lfm2VlProcessor). Two
// things are new, and both are adapted openly (README "Image-text families", src/core/damro-spec.md §4):
// - The decoder is a hybrid: text_config.layer_types marks gated short-convolution layers, which carry a state
//   (past_conv.{i}) instead of keys and values and have no attention; the runner carries and assembles that state,
//   and the attention frames span the attention layers only.
// - The SigLIP2 NaFlex tower takes each image at its own aspect ratio, tiling large ones, so the token grid would
//   change from image to image. DAMRO Lens needs one grid per model, so the image is stretched to one square
//   tile_size × tile_size tile first: the processor's single-tile path at its full token budget, no padded patches,
//   and a (tile / patch / downsample)² token grid (16 × 16 for the real 512 px tiles of 16 px patches). The
//   projector pixel-unshuffles downsample × downsample patches into each token, so a token's outlier score is the
//   maximum over its block (pixel-shuffle.ts). No CLS: the outlier score is always the labelled adaptation.
// The prompt's <image> becomes <|image_start|><image>×N<|image_end|>, as the processor writes a single tile.
import { LensError } from '../../protocol/errors';
import { tensor } from '../runtime/sessions';
import { field, isInt, isObject, parseTextConfig, type Json } from './config-fields';
import { imageTextAdapter, type FamilyPlan } from './image-text-model';
import { expandImagePlaceholder, locateImageTokens } from './prompt-image';
import { tokenScoresFromPatches } from './pixel-shuffle';

const LAYER_TYPES = new Set(['conv', 'full_attention']);
const isLayerTypes = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((t) => typeof t === 'string' && LAYER_TYPES.has(t));

/** A preprocessor_config.json number, with the processor's own default. */
function setting(config: Json, key: string, fallback: number): number {
  const value = config[key] ?? fallback;
  if (typeof value !== 'number' || !(value > 0))
    throw new LensError(
      'bad-model-config',
      `preprocessor_config.json's ${key} is ${JSON.stringify(value)}, not a positive number; this LFM2-VL export's image settings are not understood.`,
    );
  return value;
}

export const lfm2vlAdapter = imageTextAdapter({
  family: 'lfm2_vl',
  plan(rawConfig, generation, processor): FamilyPlan {
    const json = rawConfig as Json;
    const where = 'this lfm2_vl';
    const vision = field(json, 'vision_config', '', isObject, where);
    const towerLayers = field(vision, 'num_hidden_layers', 'vision_config.', isInt, where);
    const textConfig = field(json, 'text_config', '', isObject, where);
    const layerTypes = field(textConfig, 'layer_types', 'text_config.', isLayerTypes, where);
    const imageTokenId = json.image_token_index ?? json.image_token_id;
    if (!isInt(imageTokenId))
      throw new LensError(
        'unsupported-model',
        'config.json has no image_token_index; this lfm2_vl export is missing a field DAMRO Lens needs.',
      );
    const text = parseTextConfig(rawConfig, generation, where);
    if (layerTypes.length !== text.layers)
      throw new LensError(
        'bad-model-config',
        `config.json's text_config.layer_types lists ${layerTypes.length} layers but num_hidden_layers is ${text.layers}; the configuration is damaged.`,
      );

    const images = processor.image_processor!.config as Json;
    const patch = setting(images, 'encoder_patch_size', setting(vision, 'patch_size', 16));
    const downsample = setting(images, 'downsample_factor', 2);
    const tile = setting(images, 'tile_size', 512);
    const maxTokens = setting(images, 'max_image_tokens', 256);
    const minTokens = setting(images, 'min_image_tokens', 64);
    const patchSide = tile / patch;
    const tokenSide = patchSide / downsample;
    // The tile must be the processor's whole budget: kept as it is by its resize, one tile, and no padded patches.
    if (!Number.isInteger(tokenSide) || tokenSide ** 2 !== maxTokens || tokenSide ** 2 < minTokens) {
      throw new LensError(
        'unsupported-model',
        `preprocessor_config.json's tile_size (${tile} px) is not max_image_tokens (${maxTokens}) tokens of ${patch * downsample} px (encoder_patch_size × downsample_factor) squared; DAMRO Lens feeds LFM2-VL one full ${tile} × ${tile} tile and cannot map this export's tokens.`,
      );
    }
    const tokenizer = processor.tokenizer!;
    const names = processor.config as Json;
    const name = (key: string, fallback: string) =>
      typeof names[key] === 'string' ? (names[key] as string) : fallback;
    const image = name('image_token', '<image>');
    const imageStart = name('image_start_token', '<|image_start|>');
    const imageEnd = name('image_end_token', '<|image_end|>');
    const visionInputs = ['pixel_values', 'pixel_attention_mask', 'spatial_shapes'];
    return {
      text,
      // The projector reads the tower's last hidden state.
      scoreLayer: towerLayers - 1,
      hasCls: false,
      tokenGrid: { rows: tokenSide, cols: tokenSide },
      processorGeometry: { shortestEdge: tile, crop: { height: tile, width: tile }, resize: 'stretch' },
      visionInputs,
      pixelValuesTail: { height: patchSide ** 2, width: 3 * patch ** 2 },
      convLayers: layerTypes.flatMap((type, l) => (type === 'conv' ? [l] : [])),
      async preprocess(input) {
        const square = await input.resize(tile, tile);
        const out = (await processor.image_processor!(square)) as Record<
          string,
          { data: Float32Array | BigInt64Array; dims: number[] }
        >;
        const shapes = Array.from(out.spatial_shapes!.data as BigInt64Array, Number);
        if (shapes.length !== 2 || shapes[0] !== patchSide || shapes[1] !== patchSide)
          throw new Error(
            `the processor made a ${shapes.join(' × ')} patch grid of the ${tile} px tile, not one ${patchSide} × ${patchSide} tile`,
          );
        const pixels = out.pixel_values!;
        const mask = out.pixel_attention_mask!;
        return {
          pixel_values: tensor('float32', pixels.data as Float32Array, pixels.dims),
          pixel_attention_mask: tensor('int64', mask.data as BigInt64Array, mask.dims),
          spatial_shapes: tensor('int64', out.spatial_shapes!.data as BigInt64Array, out.spatial_shapes!.dims),
        };
      },
      tokenScores: (patchScores) => tokenScoresFromPatches(patchScores, patchSide, downsample),
      promptIds(prompt, imageTokens) {
        const ids = tokenizer.encode(
          expandImagePlaceholder(prompt, image, `${imageStart}${image.repeat(imageTokens)}${imageEnd}`),
        );
        return locateImageTokens(ids, imageTokenId, imageTokens, { token: image, family: 'lfm2_vl' });
      },
    };
  },
});
