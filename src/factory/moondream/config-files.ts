// config.json, generation_config.json, preprocessor_config.json, tokenizer.json and tokenizer_config.json in the
// layout of Xenova/moondream2 (model_type "moondream1"), as transformers.js's Moondream1ForConditionalGeneration, its
// AutoProcessor and AutoTokenizer read them: the decoder is described under phi_config, the image token count is
// num_image_tokens, there is no vision_config and no chat template; preprocessor_config.json names a
// SiglipImageProcessor (378 px stretched, no crop) under a processor class transformers.js does not have, so
// AutoProcessor gives the image processor alone and the tokenizer is loaded beside it.
import { SYNTHETIC_NOTICE } from '../../core/models/catalog';
import { tokenizerConfigJson as tokenizerConfig, wordLevelTokenizerJson } from '../word-level-tokenizer';
import { imageTokens, type MoondreamDims } from './dims';
import { MOONDREAM_IDS, MOONDREAM_IMAGE_ID, MOONDREAM_SPECIALS as S, MOONDREAM_VOCABULARY } from './vocabulary';

export function configJson(d: MoondreamDims, seed: number): unknown {
  const t = d.text;
  return {
    architectures: ['Moondream'],
    model_type: 'moondream1',
    phi_config: {
      architectures: ['PhiForCausalLM'],
      model_type: 'phi',
      bos_token_id: MOONDREAM_IDS.text,
      eos_token_id: MOONDREAM_IDS.text,
      hidden_act: 'gelu_new',
      hidden_size: t.hidden,
      intermediate_size: t.intermediate,
      layer_norm_eps: t.layerNormEps,
      max_position_embeddings: t.maxPositions,
      num_attention_heads: t.heads,
      num_hidden_layers: t.layers,
      num_key_value_heads: t.heads,
      partial_rotary_factor: t.partialRotaryFactor,
      qk_layernorm: false,
      rope_theta: t.ropeTheta,
      tie_word_embeddings: false,
      vocab_size: t.vocabSize,
    },
    image_token_index: MOONDREAM_IMAGE_ID,
    num_image_tokens: imageTokens(d),
    'transformers.js_config': { dtype: 'fp32' },
    damro_lens_synthetic: { size: 'tiny', seed, notice: SYNTHETIC_NOTICE },
  };
}

export function generationConfigJson(): unknown {
  return { bos_token_id: MOONDREAM_IDS.text, eos_token_id: MOONDREAM_IDS.text };
}

export function preprocessorConfigJson(d: MoondreamDims): unknown {
  const s = d.vision.imageSize;
  return {
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [0.5, 0.5, 0.5],
    image_processor_type: 'SiglipImageProcessor',
    image_std: [0.5, 0.5, 0.5],
    processor_class: 'SiglipProcessor',
    resample: 3,
    rescale_factor: 1 / 255,
    size: { height: s, width: s },
  };
}

/** <|endoftext|> before the text, as the real tokenizer's TemplateProcessing adds it; <image> added with id −200. */
export function tokenizerJson(): unknown {
  const base = wordLevelTokenizerJson(MOONDREAM_VOCABULARY, [S.text], S.text, {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: S.text, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [
      { SpecialToken: { id: S.text, type_id: 0 } },
      { Sequence: { id: 'A', type_id: 0 } },
      { SpecialToken: { id: S.text, type_id: 1 } },
      { Sequence: { id: 'B', type_id: 1 } },
    ],
    special_tokens: { [S.text]: { id: S.text, ids: [MOONDREAM_IDS.text], tokens: [S.text] } },
  }) as { added_tokens: unknown[] };
  const image = { ...(base.added_tokens[0] as object), id: MOONDREAM_IMAGE_ID, content: S.image };
  return { ...base, added_tokens: [image, ...base.added_tokens] };
}

export function tokenizerConfigJson(maxLength: number): unknown {
  const config = tokenizerConfig({
    processorClass: 'SiglipProcessor',
    vocabulary: MOONDREAM_VOCABULARY,
    specials: [S.text],
    bos: S.text,
    eos: S.text,
    unk: S.text,
    pad: S.text,
    addBosToken: false,
    maxLength,
  }) as { added_tokens_decoder: Record<string, unknown> };
  const [entry] = Object.values(config.added_tokens_decoder);
  return {
    ...config,
    added_tokens_decoder: {
      [String(MOONDREAM_IMAGE_ID)]: { ...(entry as object), content: S.image },
      ...config.added_tokens_decoder,
    },
  };
}
