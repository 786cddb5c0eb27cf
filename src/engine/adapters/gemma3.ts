// Gemma 3 exports (transformers.js's Gemma3ForConditionalGeneration, a llava subclass, and Gemma3Processor): a SigLIP
// tower without CLS (so the outlier score is always the labelled adaptation) whose last hidden state the projector
// average-pools k × k inside vision_encoder, k = (image_size / patch_size) / √mm_tokens_per_image (4 for the real
// 64 × 64 patches → 256 tokens). A token's score is the maximum over its pooled block, as for pixel shuffle
// (pixel-shuffle.ts): the block holding a high-norm outlier patch carries it into the average. The processor
// stretches the image to one square (pan-and-scan is off by default) and expands the chat template's
// <start_of_image> into "\n\n<start_of_image><image_soft_token>×N<end_of_image>\n\n".
// Decoded as transformers.js decodes it: causally over the image tokens, which the model attends among in both
// directions (Hugging Face builds that mask from token_type_ids, which transformers.js does not feed); and with
// positions from 0 where transformers.js counts from 1, which rotary attention cannot tell apart.
import { LensError } from '../../protocol/errors';
import { field, isInt, isObject, parseTextConfig, type Json } from './config-fields';
import { imageTextAdapter, type FamilyPlan } from './image-text-model';
import { pixelValuesOnly } from './pixel-values';
import { expandImagePlaceholder, locateImageTokens } from './prompt-image';
import { tokenScoresFromPatches } from './pixel-shuffle';

const isString = (value: unknown): value is string => typeof value === 'string';

export const gemma3Adapter = imageTextAdapter({
  family: 'gemma3',
  plan(rawConfig, generation, processor): FamilyPlan {
    const json = rawConfig as Json;
    const where = 'this gemma3';
    const vision = field(json, 'vision_config', '', isObject, where);
    const imageSize = field(vision, 'image_size', 'vision_config.', isInt, where);
    const patchSize = field(vision, 'patch_size', 'vision_config.', isInt, where);
    const layers = field(vision, 'num_hidden_layers', 'vision_config.', isInt, where);
    const tokensPerImage = field(json, 'mm_tokens_per_image', '', isInt, where);
    const imageTokenId = field(json, 'image_token_index', '', isInt, where);
    const patchSide = imageSize / patchSize;
    const tokenSide = Math.sqrt(tokensPerImage);
    const pool = patchSide / tokenSide;
    const seqLen = (processor.config as { image_seq_length?: number }).image_seq_length;
    if (!Number.isInteger(tokenSide) || !Number.isInteger(pool) || seqLen !== tokensPerImage) {
      throw new LensError(
        'unsupported-model',
        `config.json's mm_tokens_per_image (${tokensPerImage}) is not a square number of pooled blocks of the ${patchSide} × ${patchSide} patch grid, or processor_config.json's image_seq_length (${seqLen}) differs from it; this gemma3 export is not understood.`,
      );
    }
    const tokenizer = processor.tokenizer!;
    const tokenizerConfig = tokenizer.config as Json;
    const boi = field(tokenizerConfig, 'boi_token', 'tokenizer_config.json ', isString, where);
    const eoi = field(tokenizerConfig, 'eoi_token', 'tokenizer_config.json ', isString, where);
    const image = field(tokenizerConfig, 'image_token', 'tokenizer_config.json ', isString, where);
    const size = (processor.image_processor!.config as { size?: { height?: number; width?: number } }).size;
    const crop = { height: size?.height ?? imageSize, width: size?.width ?? imageSize };
    return {
      text: parseTextConfig(rawConfig, generation, where),
      // The projector reads the tower's last hidden state.
      scoreLayer: layers - 1,
      hasCls: false,
      tokenGrid: { rows: tokenSide, cols: tokenSide },
      processorGeometry: { shortestEdge: Math.min(crop.height, crop.width), crop, resize: 'stretch' },
      visionInputs: ['pixel_values'],
      preprocess: pixelValuesOnly(processor),
      tokenScores: (patchScores) => tokenScoresFromPatches(patchScores, patchSide, pool),
      promptIds(text, imageTokens) {
        const ids = tokenizer.encode(
          expandImagePlaceholder(text, boi, `\n\n${boi}${image.repeat(imageTokens)}${eoi}\n\n`),
        );
        return locateImageTokens(ids, imageTokenId, imageTokens, { token: image, family: 'gemma3' });
      },
    };
  },
});
