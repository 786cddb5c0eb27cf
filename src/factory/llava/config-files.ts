// config.json, generation_config.json, preprocessor_config.json and processor_config.json for
// transformers.js's `model_type: "llava"` (LlavaForConditionalGeneration + LlavaProcessor).
import { SYNTHETIC_NOTICE } from '../../core/models/catalog';
import { headDim, type LlavaDims, type ModelSize, type TextDims } from './dims';
import type { WeightFormat } from './linear-node';
import { SPECIAL_IDS, SPECIAL_TOKENS } from './vocabulary';

/** The llama-like text_config every synthetic LVLM shares (one KV head per head, head_dim given explicitly). */
export function llamaTextConfig(t: TextDims, ids: { bos: number; eos: number; pad: number }): Record<string, unknown> {
  return {
    model_type: 'llama',
    hidden_size: t.hidden,
    intermediate_size: t.intermediate,
    num_attention_heads: t.heads,
    num_key_value_heads: t.heads,
    head_dim: headDim(t.hidden, t.heads),
    num_hidden_layers: t.layers,
    max_position_embeddings: t.maxPositions,
    rms_norm_eps: t.rmsNormEps,
    rope_theta: t.ropeTheta,
    vocab_size: t.vocabSize,
    hidden_act: 'silu',
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    pad_token_id: ids.pad,
  };
}

export function configJson(d: LlavaDims, size: ModelSize, format: WeightFormat, seed: number): unknown {
  const { vision: v, text: t } = d;
  return {
    architectures: ['LlavaForConditionalGeneration'],
    model_type: 'llava',
    image_token_index: SPECIAL_IDS.image,
    projector_hidden_act: 'gelu',
    vision_feature_layer: -2,
    vision_feature_select_strategy: 'default',
    pad_token_id: SPECIAL_IDS.pad,
    tie_word_embeddings: false,
    vision_config: {
      model_type: 'clip_vision_model',
      hidden_size: v.hidden,
      intermediate_size: v.intermediate,
      num_attention_heads: v.heads,
      num_hidden_layers: v.layers,
      image_size: v.imageSize,
      patch_size: v.patchSize,
      num_channels: 3,
      hidden_act: 'quick_gelu',
      layer_norm_eps: v.layerNormEps,
    },
    text_config: {
      ...llamaTextConfig(t, { bos: SPECIAL_IDS.bos, eos: SPECIAL_IDS.eos, pad: SPECIAL_IDS.pad }),
      tie_word_embeddings: false,
    },
    'transformers.js_config': { dtype: format },
    // The engine detects synthetic models by this key and the UI shows the notice.
    damro_lens_synthetic: { size, seed, notice: SYNTHETIC_NOTICE },
  };
}

export function generationConfigJson(): unknown {
  return {
    bos_token_id: SPECIAL_IDS.bos,
    eos_token_id: SPECIAL_IDS.eos,
    pad_token_id: SPECIAL_IDS.pad,
    do_sample: false,
    max_new_tokens: 20,
  };
}

// CLIP's normalisation constants (CLIPImageProcessor defaults).
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

export function preprocessorConfigJson(d: LlavaDims): unknown {
  const s = d.vision.imageSize;
  return {
    processor_class: 'LlavaProcessor',
    image_processor_type: 'CLIPImageProcessor',
    do_convert_rgb: true,
    do_resize: true,
    size: { shortest_edge: s },
    resample: 3,
    do_center_crop: true,
    crop_size: { height: s, width: s },
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [...CLIP_MEAN],
    image_std: [...CLIP_STD],
  };
}

export function processorConfigJson(d: LlavaDims): unknown {
  // num_additional_image_tokens is 0: image_features already exclude CLS and transformers.js expands
  // <image> in the processor without subtracting it (src/engine/browser-stack.md §9).
  return {
    processor_class: 'LlavaProcessor',
    image_token: SPECIAL_TOKENS.image,
    patch_size: d.vision.patchSize,
    num_additional_image_tokens: 0,
    vision_feature_select_strategy: 'default',
  };
}
