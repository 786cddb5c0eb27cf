// Moondream 2 exports (model_type "moondream1", transformers.js's Moondream1ForConditionalGeneration, a llava
// subclass): config.json describes the Phi-1.5 decoder under phi_config and names no vision settings but
// num_image_tokens (729, checked against the grid); the tower is SigLIP so400m/14 without CLS (so the outlier score
// is always the labelled adaptation), read at its last layer, which the projector MLP maps one patch to one image
// token. preprocessor_config.json's SiglipImageProcessor stretches the image to one square (378 px → 27 × 27
// tokens), no crops or tiles. No chat template: the prompt is
// "<image>\n\nQuestion: {prompt}\n\nAnswer:" as the model's transformers.js example writes it, tokenized with the
// tokenizer's own <|endoftext|> in front, and its <image> (id −200) expanded to one token per image feature, as
// transformers.js's merge needs.
import { LensError } from '../../protocol/errors';
import { field, isInt, isObject, parseTextConfig, type Json } from './config-fields';
import { imageTextAdapter, type FamilyPlan } from './image-text-model';
import { pixelValuesOnly } from './pixel-values';
import { locateImageTokens } from './prompt-image';

/** SigLIP so400m/14's patch, for exports whose config.json has no vision_config (Xenova/moondream2 has none). */
const SIGLIP_PATCH = 14;
const IMAGE = '<image>';

export const moondreamAdapter = imageTextAdapter({
  family: 'moondream1',
  plan(rawConfig, generation, processor): FamilyPlan {
    const json = rawConfig as Json;
    const where = 'this moondream1';
    const imageTokenId = field(json, 'image_token_index', '', isInt, where);
    const vision = isObject(json.vision_config) ? json.vision_config : {};
    const patch = isInt(vision.patch_size) ? vision.patch_size : SIGLIP_PATCH;
    const size = (processor.image_processor!.config as { size?: { height?: number; width?: number } }).size;
    const side = size?.height;
    if (!isInt(side) || side !== size?.width || side % patch !== 0) {
      throw new LensError(
        'unsupported-model',
        `preprocessor_config.json's size (${JSON.stringify(size)}) is not one square of ${patch} px patches; this moondream1 export is not understood.`,
      );
    }
    const tokenSide = side / patch;
    if (isInt(json.num_image_tokens) && json.num_image_tokens !== tokenSide ** 2) {
      throw new LensError(
        'unsupported-model',
        `config.json's num_image_tokens (${json.num_image_tokens}) is not the ${tokenSide} × ${tokenSide} patches of a ${side} px image in ${patch} px patches; this moondream1 export is not understood.`,
      );
    }
    const tokenizer = processor.tokenizer!;
    return {
      text: parseTextConfig(rawConfig, generation, where, 'phi_config'),
      // The projector reads the tower's last hidden state.
      scoreLayer: -1,
      hasCls: false,
      tokenGrid: { rows: tokenSide, cols: tokenSide },
      processorGeometry: { shortestEdge: side, crop: { height: side, width: side }, resize: 'stretch' },
      visionInputs: ['pixel_values'],
      preprocess: pixelValuesOnly(processor),
      // One image token per patch.
      tokenScores: (patchScores) => patchScores,
      promptText: (prompt) => `${IMAGE}\n\nQuestion: ${prompt}\n\nAnswer:`,
      promptIds(text, imageTokens) {
        const ids = tokenizer.encode(text.replace(IMAGE, IMAGE.repeat(imageTokens)));
        return locateImageTokens(ids, imageTokenId, imageTokens, {
          token: IMAGE,
          family: 'moondream1',
          idSource: "config.json's image_token_index",
        });
      },
    };
  },
});
