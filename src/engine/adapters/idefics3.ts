// Idefics3 / SmolVLM exports: a SigLIP tower without CLS (so the outlier score is always the labelled adaptation), a
// pixel-shuffle connector (scores aggregated per LLM token, pixel-shuffle.ts), and a processor that expands the
// prompt's <image> into <fake_token_around_image><global-img><image>×N<fake_token_around_image>. Image splitting is
// off: the whole image is one tile of N tokens, not (rows·cols + 1)·N (src/engine/browser-stack.md §8.1).
import { LensError } from '../../protocol/errors';
import { tensor } from '../runtime/sessions';
import { field, isInt, isObject, parseTextConfig, type Json } from './config-fields';
import { imageTextAdapter, type FamilyPlan, type FamilySpec } from './image-text-model';
import { expandImagePlaceholder, locateImageTokens } from './prompt-image';
import { tokenScoresFromPatches } from './pixel-shuffle';

/** The processor's expansion of one unsplit image (Idefics3Processor with rows = cols = 0). */
const FAKE = '<fake_token_around_image>';
const GLOBAL = '<global-img>';
const IMAGE = '<image>';

const spec = (family: string): FamilySpec => ({
  family,
  plan(rawConfig, generation, processor): FamilyPlan {
    const json = rawConfig as Json;
    const where = `this ${family}`;
    const vision = field(json, 'vision_config', '', isObject, where);
    const imageSize = field(vision, 'image_size', 'vision_config.', isInt, where);
    const patchSize = field(vision, 'patch_size', 'vision_config.', isInt, where);
    const layers = field(vision, 'num_hidden_layers', 'vision_config.', isInt, where);
    const scale = isInt(json.scale_factor) ? json.scale_factor : 2;
    const imageTokenId = field(json, 'image_token_id', '', isInt, where);
    const patchSide = imageSize / patchSize;
    const tokenSide = patchSide / scale;
    const seqLen = (processor.config as { image_seq_len?: number }).image_seq_len;
    if (!Number.isInteger(tokenSide) || seqLen !== tokenSide ** 2) {
      throw new LensError(
        'unsupported-model',
        `processor_config.json's image_seq_len (${seqLen}) does not match ${patchSide}² patches shuffled by ${scale}; this ${family} export is not understood.`,
      );
    }
    const imageProcessor = processor.image_processor!;
    return {
      text: parseTextConfig(rawConfig, generation, where),
      // The connector reads the tower's last hidden state.
      scoreLayer: layers - 1,
      hasCls: false,
      tokenGrid: { rows: tokenSide, cols: tokenSide },
      // Without splitting, the processor stretches the whole image to one square tile.
      processorGeometry: { shortestEdge: imageSize, crop: { height: imageSize, width: imageSize }, resize: 'stretch' },
      visionInputs: ['pixel_values', 'pixel_attention_mask'],
      async preprocess(image) {
        const out = (await imageProcessor(image, { do_image_splitting: false })) as Record<
          'pixel_values' | 'pixel_attention_mask',
          { data: Float32Array | Uint8Array; dims: number[] }
        >;
        const { pixel_values: pixels, pixel_attention_mask: mask } = out;
        return {
          pixel_values: tensor('float32', pixels.data as Float32Array, pixels.dims),
          pixel_attention_mask: tensor('bool', Uint8Array.from(mask.data), mask.dims),
        };
      },
      tokenScores: (patchScores) => tokenScoresFromPatches(patchScores, patchSide, scale),
      promptIds(text, imageTokens) {
        const ids = processor.tokenizer!.encode(
          expandImagePlaceholder(text, IMAGE, `${FAKE}${GLOBAL}${IMAGE.repeat(imageTokens)}${FAKE}`),
        );
        return locateImageTokens(ids, imageTokenId, imageTokens, { token: IMAGE, family });
      },
    };
  },
});

export const idefics3Adapter = imageTextAdapter(spec('idefics3'));
/** SmolVLM2 configs say model_type "smolvlm"; transformers.js runs them as Idefics3. */
export const smolvlmAdapter = imageTextAdapter(spec('smolvlm'));
