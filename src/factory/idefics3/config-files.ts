// config.json, generation_config.json, preprocessor_config.json, processor_config.json, tokenizer.json and
// tokenizer_config.json in the layout of HuggingFaceTB/SmolVLM-256M-Instruct (model_type "idefics3"), as
// transformers.js's Idefics3ForConditionalGeneration and Idefics3Processor read them. Like the real model the
// processor splits images by default; DAMRO Lens turns splitting off per call.
import { SYNTHETIC_NOTICE } from '../../core/models/catalog';
import { llamaTextConfig } from '../llava/config-files';
import { SIGNED_PIXEL_SCALING } from '../pixel-scaling';
import { templatedTokenizerConfigJson, templatedTokenizerJson, type TemplatedTokenizer } from '../word-level-tokenizer';
import { imageSeqLen, towerLayers, type Idefics3Dims } from './dims';
import { IDEFICS3_IDS, IDEFICS3_SPECIALS as S, IDEFICS3_VOCABULARY } from './vocabulary';

export function configJson(d: Idefics3Dims, seed: number): unknown {
  const { vision: v, text: t } = d.base;
  return {
    architectures: ['Idefics3ForConditionalGeneration'],
    model_type: 'idefics3',
    image_token_id: IDEFICS3_IDS.image,
    scale_factor: d.scaleFactor,
    pad_token_id: IDEFICS3_IDS.pad,
    tie_word_embeddings: false,
    vision_config: {
      model_type: 'idefics3_vision',
      hidden_size: v.hidden,
      intermediate_size: v.intermediate,
      num_attention_heads: v.heads,
      num_hidden_layers: towerLayers(d),
      image_size: v.imageSize,
      patch_size: v.patchSize,
      num_channels: 3,
      layer_norm_eps: v.layerNormEps,
    },
    text_config: llamaTextConfig(t, { bos: IDEFICS3_IDS.start, eos: IDEFICS3_IDS.end, pad: IDEFICS3_IDS.pad }),
    'transformers.js_config': { dtype: 'fp32' },
    damro_lens_synthetic: { size: 'tiny', seed, notice: SYNTHETIC_NOTICE },
  };
}

export function generationConfigJson(): unknown {
  return {
    bos_token_id: IDEFICS3_IDS.start,
    eos_token_id: IDEFICS3_IDS.end,
    pad_token_id: IDEFICS3_IDS.pad,
    do_sample: false,
  };
}

export function preprocessorConfigJson(d: Idefics3Dims): unknown {
  const s = d.base.vision.imageSize;
  return {
    processor_class: 'Idefics3Processor',
    image_processor_type: 'Idefics3ImageProcessor',
    do_convert_rgb: true,
    do_resize: true,
    // The real model resizes the longest edge to 4 tiles before splitting; one tile is the encoder's input.
    size: { longest_edge: 4 * s },
    max_image_size: { longest_edge: s },
    do_image_splitting: true,
    resample: 1,
    ...SIGNED_PIXEL_SCALING,
    do_pad: true,
  };
}

export function processorConfigJson(d: Idefics3Dims): unknown {
  return { processor_class: 'Idefics3Processor', image_seq_len: imageSeqLen(d) };
}

// A SmolVLM-style conversation: `<|im_start|>User:<image>{text}<end_of_utterance>\nAssistant:`.
export const IDEFICS3_CHAT_TEMPLATE =
  `{{ '${S.start}' }}` +
  '{%- for message in messages -%}' +
  "{{ message['role'] | capitalize }}{{ ':' }}" +
  "{%- for part in message['content'] -%}" +
  `{%- if part['type'] == 'image' -%}{{ '${S.image}' }}{%- elif part['type'] == 'text' -%}{{ part['text'] }}{%- endif -%}` +
  '{%- endfor -%}' +
  `{{ '${S.end}' }}{{ '\\n' }}` +
  '{%- endfor -%}' +
  "{%- if add_generation_prompt -%}{{ 'Assistant:' }}{%- endif -%}";

// The chat template writes <|im_start|> itself.
const TOKENIZER: TemplatedTokenizer = {
  processorClass: 'Idefics3Processor',
  vocabulary: IDEFICS3_VOCABULARY,
  specials: S,
  bos: S.start,
  eos: S.end,
  chatTemplate: IDEFICS3_CHAT_TEMPLATE,
};
export const tokenizerJson = (): unknown => templatedTokenizerJson(TOKENIZER);
export const tokenizerConfigJson = (maxLength: number): unknown => templatedTokenizerConfigJson(TOKENIZER, maxLength);
