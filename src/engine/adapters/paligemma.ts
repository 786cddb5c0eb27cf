// PaliGemma and PaliGemma 2 exports (transformers.js's PaliGemmaForConditionalGeneration, a llava subclass, and
// PaliGemmaProcessor): a SigLIP tower without CLS (so the outlier score is always the labelled adaptation) whose last
// hidden state one linear projector turns into the image tokens, patch p into token p: the token grid is the patch
// grid. The processor stretches the image to one square. There is no chat template: the prompt is
// "<image>" × image_seq_length, <bos>, a task prompt ("caption en", "answer en …"; taskPrompt maps the benchmark
// prompts) and "\n".
// Decoded as transformers.js decodes it: the exports' decoder has no attention_mask input and attends to every key of a
// call, so the prompt (image and task) attends bidirectionally, as PaliGemma's prefix-LM mask has it, and each
// generated token to everything before it. Without a mask, rows of different lengths cannot share a padded batch; the
// runner batches rows of equal length (src/engine/decode/length-groups.ts). Positions count from 0 where
// transformers.js counts from 1, which rotary attention cannot tell apart.
import { taskPrompt } from '../../core/eval/task-prompt';
import { LensError } from '../../protocol/errors';
import { field, isInt, isObject, parseTextConfig, type Json } from './config-fields';
import { imageTextAdapter, type FamilyPlan } from './image-text-model';
import { pixelValuesOnly } from './pixel-values';
import { locateImageTokens } from './prompt-image';

/** The placeholder PaliGemmaProcessor expands (it is not in the tokenizer config). */
const IMAGE_TOKEN = '<image>';

export const paligemmaAdapter = imageTextAdapter({
  family: 'paligemma',
  plan(rawConfig, generation, processor): FamilyPlan {
    const json = rawConfig as Json;
    const where = 'this paligemma';
    const vision = field(json, 'vision_config', '', isObject, where);
    const patchSize = field(vision, 'patch_size', 'vision_config.', isInt, where);
    const layers = field(vision, 'num_hidden_layers', 'vision_config.', isInt, where);
    const imageTokenId = field(json, 'image_token_index', '', isInt, where);
    const imageConfig = processor.image_processor!.config as {
      size?: { height?: number; width?: number };
      image_seq_length?: number;
    };
    const height = imageConfig.size?.height ?? 0;
    const width = imageConfig.size?.width;
    const seqLen = imageConfig.image_seq_length;
    const side = height / patchSize;
    if (height !== width || !Number.isInteger(side) || side * side !== seqLen) {
      throw new LensError(
        'unsupported-model',
        `preprocessor_config.json's size (${height} × ${width}) is not a square of whole ${patchSize} px patches (vision_config.patch_size) whose count is its image_seq_length (${seqLen}); this paligemma export is not understood.`,
      );
    }
    const tokenizer = processor.tokenizer!;
    const bos = tokenizer.bos_token;
    if (!bos)
      throw new LensError(
        'unsupported-model',
        'tokenizer_config.json names no bos_token, which PaliGemma prompts need.',
      );
    const crop = { height, width };
    return {
      text: parseTextConfig(rawConfig, generation, where),
      // The projector reads the tower's last hidden state.
      scoreLayer: layers - 1,
      hasCls: false,
      tokenGrid: { rows: side, cols: side },
      processorGeometry: { shortestEdge: height, crop, resize: 'stretch' },
      visionInputs: ['pixel_values'],
      preprocess: pixelValuesOnly(processor),
      tokenScores: (patchScores) => patchScores,
      promptText: taskPrompt,
      promptIds(text, imageTokens) {
        const ids = tokenizer.encode(`${IMAGE_TOKEN.repeat(imageTokens)}${bos}${text}\n`);
        return locateImageTokens(ids, imageTokenId, imageTokens, {
          token: IMAGE_TOKEN,
          family: 'paligemma',
          idSource: 'config.json image_token_index',
        });
      },
    };
  },
});
