// config.json, generation_config.json, preprocessor_config.json, tokenizer.json and tokenizer_config.json in the layout
// of a PaliGemma 2 export (model_type "paligemma"), as transformers.js's PaliGemmaForConditionalGeneration and
// PaliGemmaProcessor read them. There is no chat template: the processor reads image_seq_length from
// preprocessor_config.json and writes "<image>" × image_seq_length, then <bos>, the task prompt and "\n" itself.
import { SYNTHETIC_NOTICE } from '../../core/models/catalog';
import { llamaTextConfig } from '../llava/config-files';
import type { LlavaDims } from '../llava/dims';
import { SIGNED_PIXEL_SCALING } from '../pixel-scaling';
import { templatedTokenizerConfigJson, templatedTokenizerJson, type TemplatedTokenizer } from '../word-level-tokenizer';
import { imageSeqLen, PALIGEMMA_SOFTCAP, towerLayers } from './dims';
import { PALIGEMMA_IDS, PALIGEMMA_SPECIALS as S, PALIGEMMA_VOCABULARY } from './vocabulary';

export function configJson(d: LlavaDims, seed: number): unknown {
  const { vision: v, text: t } = d;
  return {
    architectures: ['PaliGemmaForConditionalGeneration'],
    model_type: 'paligemma',
    image_token_index: PALIGEMMA_IDS.image,
    bos_token_id: PALIGEMMA_IDS.bos,
    eos_token_id: PALIGEMMA_IDS.eos,
    pad_token_id: PALIGEMMA_IDS.pad,
    hidden_size: t.hidden,
    projection_dim: t.hidden,
    num_image_tokens: imageSeqLen(d),
    vision_config: {
      model_type: 'siglip_vision_model',
      hidden_size: v.hidden,
      intermediate_size: v.intermediate,
      num_attention_heads: v.heads,
      num_hidden_layers: towerLayers(d),
      num_image_tokens: imageSeqLen(d),
      image_size: v.imageSize,
      patch_size: v.patchSize,
      projection_dim: t.hidden,
      layer_norm_eps: v.layerNormEps,
    },
    text_config: {
      ...llamaTextConfig(t, { bos: PALIGEMMA_IDS.bos, eos: PALIGEMMA_IDS.eos, pad: PALIGEMMA_IDS.pad }),
      model_type: 'gemma2',
      num_image_tokens: imageSeqLen(d),
      attn_logit_softcapping: PALIGEMMA_SOFTCAP.attention,
      final_logit_softcapping: PALIGEMMA_SOFTCAP.final,
    },
    'transformers.js_config': { dtype: 'fp32' },
    damro_lens_synthetic: { size: 'tiny', seed, notice: SYNTHETIC_NOTICE },
  };
}

export function generationConfigJson(): unknown {
  return {
    bos_token_id: PALIGEMMA_IDS.bos,
    eos_token_id: PALIGEMMA_IDS.eos,
    pad_token_id: PALIGEMMA_IDS.pad,
    do_sample: false,
  };
}

export function preprocessorConfigJson(d: LlavaDims): unknown {
  const s = d.vision.imageSize;
  return {
    processor_class: 'PaliGemmaProcessor',
    image_processor_type: 'SiglipImageProcessor',
    do_convert_rgb: null,
    do_resize: true,
    size: { height: s, width: s },
    resample: 3,
    ...SIGNED_PIXEL_SCALING,
    image_seq_length: imageSeqLen(d),
  };
}

// The processor writes <bos> itself.
const TOKENIZER: TemplatedTokenizer = {
  processorClass: 'PaliGemmaProcessor',
  vocabulary: PALIGEMMA_VOCABULARY,
  specials: S,
  bos: S.bos,
  eos: S.eos,
};
export const tokenizerJson = (): unknown => templatedTokenizerJson(TOKENIZER);
export const tokenizerConfigJson = (maxLength: number): unknown => templatedTokenizerConfigJson(TOKENIZER, maxLength);
