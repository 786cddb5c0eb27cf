// config.json, generation_config.json, preprocessor_config.json, tokenizer.json and tokenizer_config.json in the layout
// of a Qwen2-VL export (model_type "qwen2_vl"), as transformers.js's Qwen2VLForConditionalGeneration and
// Qwen2VLProcessor read them: the language model's shape at the top level of config.json (transformers.js normalises
// qwen2_vl from there, not from a text_config), the tower under vision_config with the merger's output width as its
// hidden_size, M-RoPE as rope_scaling.mrope_section, and the chat template in tokenizer_config.json.
import { SYNTHETIC_NOTICE } from '../../core/models/catalog';
import { tokenizerConfigJson as tokenizerConfig, wordLevelTokenizerJson } from '../word-level-tokenizer';
import { towerLayers, type Qwen2VLDims } from './dims';
import { QWEN2VL_IDS, QWEN2VL_SPECIALS as S, QWEN2VL_VOCABULARY } from './vocabulary';

export function configJson(d: Qwen2VLDims, seed: number): unknown {
  const { vision: v, text: t } = d.base;
  return {
    architectures: ['Qwen2VLForConditionalGeneration'],
    model_type: 'qwen2_vl',
    hidden_size: t.hidden,
    intermediate_size: t.intermediate,
    num_attention_heads: t.heads,
    num_key_value_heads: t.heads,
    num_hidden_layers: t.layers,
    max_position_embeddings: t.maxPositions,
    rms_norm_eps: t.rmsNormEps,
    rope_theta: t.ropeTheta,
    rope_scaling: { type: 'mrope', mrope_section: [...d.mropeSection] },
    vocab_size: t.vocabSize,
    hidden_act: 'silu',
    tie_word_embeddings: false,
    bos_token_id: QWEN2VL_IDS.endOfText,
    eos_token_id: QWEN2VL_IDS.end,
    image_token_id: QWEN2VL_IDS.image,
    video_token_id: QWEN2VL_IDS.video,
    vision_start_token_id: QWEN2VL_IDS.visionStart,
    vision_end_token_id: QWEN2VL_IDS.visionEnd,
    vision_config: {
      depth: towerLayers(d),
      embed_dim: v.hidden,
      hidden_size: t.hidden,
      hidden_act: 'quick_gelu',
      mlp_ratio: v.intermediate / v.hidden,
      num_heads: v.heads,
      in_chans: 3,
      patch_size: d.patchSize,
      spatial_merge_size: d.mergeSize,
      temporal_patch_size: d.temporalPatchSize,
    },
    'transformers.js_config': { dtype: 'fp32' },
    damro_lens_synthetic: { size: 'tiny', seed, notice: SYNTHETIC_NOTICE },
  };
}

/**
 * Qwen2.5-VL's config.json (model_type "qwen2_5_vl"): transformers.js normalises it from text_config; the tower's
 * width is vision_config.hidden_size, the merger's out_hidden_size, and window_size (pixels) with
 * fullatt_block_indexes describe its windows.
 */
export function qwen25vlConfigJson(d: Qwen2VLDims, seed: number): unknown {
  const { vision: v, text: t } = d.base;
  const qwen2 = configJson(d, seed) as Record<string, unknown>;
  const text = Object.fromEntries(
    [
      'hidden_size',
      'intermediate_size',
      'num_attention_heads',
      'num_key_value_heads',
      'num_hidden_layers',
      'max_position_embeddings',
      'rms_norm_eps',
      'rope_theta',
      'rope_scaling',
      'vocab_size',
      'hidden_act',
      'bos_token_id',
      'eos_token_id',
    ].map((key) => [key, qwen2[key]]),
  );
  return {
    architectures: ['Qwen2_5_VLForConditionalGeneration'],
    model_type: 'qwen2_5_vl',
    tie_word_embeddings: false,
    image_token_id: qwen2.image_token_id,
    video_token_id: qwen2.video_token_id,
    vision_start_token_id: qwen2.vision_start_token_id,
    vision_end_token_id: qwen2.vision_end_token_id,
    text_config: { ...text, model_type: 'qwen2_5_vl_text' },
    vision_config: {
      depth: towerLayers(d),
      hidden_size: v.hidden,
      out_hidden_size: t.hidden,
      intermediate_size: v.intermediate,
      hidden_act: 'silu',
      num_heads: v.heads,
      in_chans: 3,
      patch_size: d.patchSize,
      spatial_merge_size: d.mergeSize,
      temporal_patch_size: d.temporalPatchSize,
      window_size: (d.windows?.tokens ?? 1) * d.mergeSize * d.patchSize,
      fullatt_block_indexes: [...(d.windows?.fullBlocks ?? [])],
    },
    'transformers.js_config': { dtype: 'fp32' },
    damro_lens_synthetic: { size: 'tiny', seed, notice: SYNTHETIC_NOTICE },
  };
}

export function generationConfigJson(): unknown {
  return {
    bos_token_id: QWEN2VL_IDS.endOfText,
    eos_token_id: [QWEN2VL_IDS.end, QWEN2VL_IDS.endOfText],
    pad_token_id: QWEN2VL_IDS.endOfText,
    do_sample: false,
  };
}

/** Both families' processors: Qwen2.5-VL names its own processor class around the same image processor. */
const processorClass = (d: Qwen2VLDims) => (d.windows ? 'Qwen2_5_VLProcessor' : 'Qwen2VLProcessor');

export function preprocessorConfigJson(d: Qwen2VLDims): unknown {
  return {
    processor_class: processorClass(d),
    image_processor_type: 'Qwen2VLImageProcessor',
    do_convert_rgb: true,
    do_resize: true,
    size: { shortest_edge: d.minPixels, longest_edge: d.maxPixels },
    min_pixels: d.minPixels,
    max_pixels: d.maxPixels,
    resample: 3,
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [0.48145466, 0.4578275, 0.40821073],
    image_std: [0.26862954, 0.26130258, 0.27577711],
    patch_size: d.patchSize,
    merge_size: d.mergeSize,
    temporal_patch_size: d.temporalPatchSize,
  };
}

// Qwen2-VL's conversation shape: a default system turn, then
// `<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>{text}<|im_end|>\n<|im_start|>assistant\n`.
export const QWEN2VL_CHAT_TEMPLATE =
  '{%- for message in messages -%}' +
  `{%- if loop.first and message['role'] != 'system' -%}{{ '${S.start}system\\nYou are a helpful assistant.${S.end}\\n' }}{%- endif -%}` +
  `{{ '${S.start}' }}{{ message['role'] }}{{ '\\n' }}` +
  "{%- for part in message['content'] -%}" +
  `{%- if part['type'] == 'image' -%}{{ '${S.visionStart}${S.image}${S.visionEnd}' }}{%- elif part['type'] == 'text' -%}{{ part['text'] }}{%- endif -%}` +
  '{%- endfor -%}' +
  `{{ '${S.end}' }}{{ '\\n' }}` +
  '{%- endfor -%}' +
  `{%- if add_generation_prompt -%}{{ '${S.start}' }}{{ 'assistant\\n' }}{%- endif -%}`;

// Qwen2's tokenizer adds nothing around the text: the chat template writes every special token.
export const tokenizerJson = (): unknown => wordLevelTokenizerJson(QWEN2VL_VOCABULARY, Object.values(S), S.unk, null);

export function tokenizerConfigJson(d: Qwen2VLDims): unknown {
  return tokenizerConfig({
    processorClass: processorClass(d),
    vocabulary: QWEN2VL_VOCABULARY,
    specials: Object.values(S),
    bos: S.endOfText,
    eos: S.end,
    unk: S.unk,
    pad: S.endOfText,
    addBosToken: false,
    maxLength: d.base.text.maxPositions,
    chatTemplate: QWEN2VL_CHAT_TEMPLATE,
  });
}
