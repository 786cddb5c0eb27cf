// config.json, generation_config.json, preprocessor_config.json, tokenizer.json and tokenizer_config.json in the
// layout of an LFM2-VL image-text export (model_type "lfm2_vl"), as transformers.js's Lfm2VlForConditionalGeneration
// and Lfm2VlProcessor read them: the cache names come from text_config.layer_types (past_conv.{i} for a "conv"
// layer, past_key_values.{i}.key/value for an attention layer), the image processor sizes each image from
// encoder_patch_size, downsample_factor and min/max_image_tokens, and the processor uses its default special tokens
// (<image>, <|image_start|>, <|image_end|>) and the tokenizer's chat template.
import { SYNTHETIC_NOTICE } from '../../core/models/catalog';
import { headDim } from '../llava/dims';
import { SIGNED_PIXEL_SCALING } from '../pixel-scaling';
import { templatedTokenizerConfigJson, templatedTokenizerJson, type TemplatedTokenizer } from '../word-level-tokenizer';
import { maxPatches, tileSize, towerLayers, type Lfm2VlDims } from './dims';
import { LFM2VL_IDS, LFM2VL_SPECIALS as S, LFM2VL_VOCABULARY } from './vocabulary';

export function configJson(d: Lfm2VlDims, seed: number): unknown {
  const { vision: v, text: t } = d.base;
  return {
    architectures: ['Lfm2VlForConditionalGeneration'],
    model_type: 'lfm2_vl',
    image_token_index: LFM2VL_IDS.image,
    downsample_factor: d.downsample,
    projector_hidden_act: 'gelu',
    projector_hidden_size: t.hidden,
    projector_bias: true,
    tie_word_embeddings: false,
    vision_config: {
      model_type: 'siglip2_vision_model',
      hidden_size: v.hidden,
      intermediate_size: v.intermediate,
      num_attention_heads: v.heads,
      num_hidden_layers: towerLayers(d),
      num_patches: d.positionSide ** 2,
      patch_size: v.patchSize,
      num_channels: 3,
      layer_norm_eps: v.layerNormEps,
      vision_use_head: false,
    },
    text_config: {
      model_type: 'lfm2',
      hidden_size: t.hidden,
      intermediate_size: t.intermediate,
      num_attention_heads: t.heads,
      num_key_value_heads: t.heads,
      head_dim: headDim(t.hidden, t.heads),
      num_hidden_layers: t.layers,
      layer_types: d.layerTypes,
      conv_L_cache: d.convLCache,
      conv_bias: false,
      max_position_embeddings: t.maxPositions,
      norm_eps: t.rmsNormEps,
      rope_theta: t.ropeTheta,
      vocab_size: t.vocabSize,
      bos_token_id: LFM2VL_IDS.bos,
      eos_token_id: LFM2VL_IDS.eos,
      pad_token_id: LFM2VL_IDS.pad,
    },
    'transformers.js_config': { dtype: 'fp32' },
    damro_lens_synthetic: { size: 'tiny', seed, notice: SYNTHETIC_NOTICE },
  };
}

export function generationConfigJson(): unknown {
  return { bos_token_id: LFM2VL_IDS.bos, eos_token_id: LFM2VL_IDS.eos, pad_token_id: LFM2VL_IDS.pad, do_sample: false };
}

// do_resize is off: the processor's own smart resize to the token grid is the only resize.
export function preprocessorConfigJson(d: Lfm2VlDims): unknown {
  return {
    processor_class: 'Lfm2VlProcessor',
    image_processor_type: 'Lfm2VlImageProcessor',
    do_convert_rgb: true,
    do_resize: false,
    ...SIGNED_PIXEL_SCALING,
    resample: 2,
    encoder_patch_size: d.base.vision.patchSize,
    downsample_factor: d.downsample,
    min_image_tokens: d.minImageTokens,
    max_image_tokens: d.maxImageTokens,
    max_num_patches: maxPatches(d),
    do_image_splitting: true,
    min_tiles: 2,
    max_tiles: 10,
    tile_size: tileSize(d),
    use_thumbnail: true,
    max_pixels_tolerance: 2.0,
  };
}

// ChatML-like, as LFM2-VL's: `<|startoftext|><|im_start|>user\n<image>{text}<|im_end|>\n<|im_start|>assistant\n`.
export const LFM2VL_CHAT_TEMPLATE =
  '{{ bos_token }}' +
  '{%- for message in messages -%}' +
  `{{ '${S.start}' + message['role'] + '\\n' }}` +
  "{%- if message['content'] is string -%}{{ message['content'] }}{%- else -%}" +
  "{%- for part in message['content'] -%}" +
  `{%- if part['type'] == 'image' -%}{{ '${S.image}' }}{%- elif part['type'] == 'text' -%}{{ part['text'] }}{%- endif -%}` +
  '{%- endfor -%}{%- endif -%}' +
  `{{ '${S.eos}' + '\\n' }}` +
  '{%- endfor -%}' +
  `{%- if add_generation_prompt -%}{{ '${S.start}' + 'assistant\\n' }}{%- endif -%}`;

// The chat template writes <|startoftext|> itself.
const TOKENIZER: TemplatedTokenizer = {
  processorClass: 'Lfm2VlProcessor',
  vocabulary: LFM2VL_VOCABULARY,
  specials: S,
  bos: S.bos,
  eos: S.eos,
  chatTemplate: LFM2VL_CHAT_TEMPLATE,
};
export const tokenizerJson = (): unknown => templatedTokenizerJson(TOKENIZER);
export const tokenizerConfigJson = (maxLength: number): unknown => templatedTokenizerConfigJson(TOKENIZER, maxLength);
