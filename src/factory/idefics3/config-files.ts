// config.json, generation_config.json, preprocessor_config.json, processor_config.json, tokenizer.json and
// tokenizer_config.json in the layout of HuggingFaceTB/SmolVLM-256M-Instruct (model_type "idefics3"), as
// transformers.js's Idefics3ForConditionalGeneration and Idefics3Processor read them. Like the real model the
// processor splits images by default; DAMRO Lens turns splitting off per call.
import { SYNTHETIC_NOTICE } from '../../core/models/catalog';
import { llamaTextConfig } from '../llava/config-files';
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
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [0.5, 0.5, 0.5],
    image_std: [0.5, 0.5, 0.5],
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

export function tokenizerJson(): unknown {
  const vocab = Object.fromEntries(IDEFICS3_VOCABULARY.map((token, id) => [token, id]));
  const added = Object.values(S).map((content) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    // The chat template writes <|im_start|> itself, so nothing is added around the text.
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordLevel', vocab, unk_token: S.unk },
  };
}

export function tokenizerConfigJson(maxLength: number): unknown {
  const decoder = Object.fromEntries(
    Object.values(S).map((content) => [
      String(IDEFICS3_VOCABULARY.indexOf(content)),
      { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
    ]),
  );
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    processor_class: 'Idefics3Processor',
    bos_token: S.start,
    eos_token: S.end,
    unk_token: S.unk,
    pad_token: S.pad,
    add_bos_token: false,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: maxLength,
    padding_side: 'left',
    added_tokens_decoder: decoder,
    chat_template: IDEFICS3_CHAT_TEMPLATE,
  };
}
