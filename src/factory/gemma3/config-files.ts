// config.json, generation_config.json, preprocessor_config.json, processor_config.json, tokenizer.json,
// tokenizer_config.json and chat_template.jinja in the layout of a Gemma 3 image-text export (model_type "gemma3"),
// as transformers.js's Gemma3ForConditionalGeneration and Gemma3Processor read them: the processor reads
// image_seq_length from processor_config.json, the image tokens from tokenizer_config.json, and its chat template
// from chat_template.jinja.
import { SYNTHETIC_NOTICE } from '../../core/models/catalog';
import { llamaTextConfig } from '../llava/config-files';
import { SIGNED_PIXEL_SCALING } from '../pixel-scaling';
import { templatedTokenizerConfigJson, templatedTokenizerJson, type TemplatedTokenizer } from '../word-level-tokenizer';
import { imageSeqLen, towerLayers, type Gemma3Dims } from './dims';
import { GEMMA3_IDS, GEMMA3_SPECIALS as S, GEMMA3_VOCABULARY } from './vocabulary';

export function configJson(d: Gemma3Dims, seed: number): unknown {
  const { vision: v, text: t } = d.base;
  return {
    architectures: ['Gemma3ForConditionalGeneration'],
    model_type: 'gemma3',
    boi_token_index: GEMMA3_IDS.boi,
    eoi_token_index: GEMMA3_IDS.eoi,
    image_token_index: GEMMA3_IDS.image,
    mm_tokens_per_image: imageSeqLen(d),
    tie_word_embeddings: false,
    vision_config: {
      model_type: 'siglip_vision_model',
      hidden_size: v.hidden,
      intermediate_size: v.intermediate,
      num_attention_heads: v.heads,
      num_hidden_layers: towerLayers(d),
      image_size: v.imageSize,
      patch_size: v.patchSize,
      num_channels: 3,
      layer_norm_eps: v.layerNormEps,
    },
    text_config: {
      ...llamaTextConfig(t, { bos: GEMMA3_IDS.bos, eos: GEMMA3_IDS.end, pad: GEMMA3_IDS.pad }),
      model_type: 'gemma3_text',
    },
    'transformers.js_config': { dtype: 'fp32' },
    damro_lens_synthetic: { size: 'tiny', seed, notice: SYNTHETIC_NOTICE },
  };
}

export function generationConfigJson(): unknown {
  return {
    bos_token_id: GEMMA3_IDS.bos,
    eos_token_id: [GEMMA3_IDS.eos, GEMMA3_IDS.end],
    pad_token_id: GEMMA3_IDS.pad,
    do_sample: false,
  };
}

export function preprocessorConfigJson(d: Gemma3Dims): unknown {
  const s = d.base.vision.imageSize;
  return {
    processor_class: 'Gemma3Processor',
    image_processor_type: 'Gemma3ImageProcessor',
    do_convert_rgb: true,
    do_resize: true,
    size: { height: s, width: s },
    resample: 2,
    ...SIGNED_PIXEL_SCALING,
    do_pan_and_scan: false,
    image_seq_length: imageSeqLen(d),
  };
}

export function processorConfigJson(d: Gemma3Dims): unknown {
  return { processor_class: 'Gemma3Processor', image_seq_length: imageSeqLen(d) };
}

// A Gemma-style conversation: `<bos><start_of_turn>user\n<start_of_image>{text}<end_of_turn>\n<start_of_turn>model\n`.
export const GEMMA3_CHAT_TEMPLATE =
  '{{ bos_token }}' +
  '{%- for message in messages -%}' +
  `{{ '${S.start}' }}{%- if message['role'] == 'assistant' -%}{{ 'model' }}{%- else -%}{{ message['role'] }}{%- endif -%}{{ '\\n' }}` +
  "{%- for part in message['content'] -%}" +
  `{%- if part['type'] == 'image' -%}{{ '${S.boi}' }}{%- elif part['type'] == 'text' -%}{{ part['text'] }}{%- endif -%}` +
  '{%- endfor -%}' +
  `{{ '${S.end}' }}{{ '\\n' }}` +
  '{%- endfor -%}' +
  `{%- if add_generation_prompt -%}{{ '${S.start}' }}{{ 'model\\n' }}{%- endif -%}`;

// The chat template writes <bos> itself.
const TOKENIZER: TemplatedTokenizer = {
  processorClass: 'Gemma3Processor',
  vocabulary: GEMMA3_VOCABULARY,
  specials: S,
  bos: S.bos,
  eos: S.eos,
  namedTokens: { boi_token: S.boi, eoi_token: S.eoi, image_token: S.image },
};
export const tokenizerJson = (): unknown => templatedTokenizerJson(TOKENIZER);
export const tokenizerConfigJson = (maxLength: number): unknown => templatedTokenizerConfigJson(TOKENIZER, maxLength);
