// Every image-text family the shipped transformers.js runs but DAMRO Lens does not, with the concrete reason
// (src/engine/browser-stack.md §11 has the evidence; the README's family table says the same). A model of one of
// these families is refused by name at load time instead of failing later on a missing field or graph input.
import { LensError } from '../../protocol/errors';

export interface UnsupportedFamily {
  /** The family as people know it. */
  readonly name: string;
  /** What the engine would have to read or run differently; a sentence a person can act on. */
  readonly reason: string;
}

// M-RoPE and per-image grids are read as Qwen2-VL and Qwen2.5-VL export them (qwen2vl.ts); the families below differ
// beyond that.
const QWEN2VL_ONLY =
  'DAMRO Lens reads multimodal rotary positions (M-RoPE) and per-image token grids only as Qwen2-VL and Qwen2.5-VL export them';
const PIXTRAL =
  'its Pixtral tower sizes the token grid to each image’s aspect ratio, and the processor ends every row of image tokens with [IMG_BREAK] (the last with [IMG_END]), so the image tokens are not the one contiguous span that the outlier branch and the overlays cut and map';
const GATED_DELTANET =
  'three of every four decoder layers are Gated DeltaNet linear attention carrying a recurrent state (past_recurrent) that the decode loop does not carry (it carries keys and values, and LFM2-VL’s convolution state), and it places tokens with Qwen3-VL’s interleaved M-RoPE';

/** By config.json `model_type`, exactly as transformers.js 4.3.2 registers it. */
export const UNSUPPORTED_FAMILIES: Readonly<Record<string, UnsupportedFamily>> = {
  florence2: {
    name: 'Florence-2',
    reason:
      'it is an encoder–decoder model: the image tokens enter a text encoder together with the task prompt, and the decoder reaches them only through cross-attention to the mixed encoder states, so there is no decoder attention to image tokens to tap and no image span to cut down to the outliers.',
  },
  qwen3_vl: {
    name: 'Qwen3-VL',
    reason: `its decoder interleaves the M-RoPE axes (mrope_interleaved) and its tower adds DeepStack features from intermediate layers; ${QWEN2VL_ONLY}, and this family's export has not been checked against that reading.`,
  },
  qwen3_vl_moe: {
    name: 'Qwen3-VL MoE',
    reason: `its mixture-of-experts decoders (30B parameters and up) do not fit a browser; and it is read no more than Qwen3-VL (interleaved M-RoPE, DeepStack features).`,
  },
  qwen3_5: { name: 'Qwen3.5', reason: `${GATED_DELTANET}.` },
  qwen3_5_moe: { name: 'Qwen3.5 MoE', reason: `${GATED_DELTANET}.` },
  lfm3_vl: {
    name: 'LFM3-VL',
    reason:
      'its tower takes Qwen2-VL-style flat patches with image_grid_thw, sized to each image, but its decoder places them with one position per token and carries LFM3’s convolution state; DAMRO Lens reads per-image grids only with Qwen2-VL’s M-RoPE positions and convolution state only as LFM2-VL’s export lays it out, and no LFM3-VL export was at hand to check a reading of this pairing against.',
  },
  llava_qwen2: {
    name: 'FastVLM',
    reason:
      'its config.json has neither text_config nor vision_config (the Qwen2 decoder’s shape sits at the top level and the tower is only named by mm_vision_tower), and its FastViTHD tower is convolutional until its last two stages, so the token grid and the layer to score outliers at cannot be read from the configuration as for a ViT.',
  },
  gemma3n: {
    name: 'Gemma 3n',
    reason:
      'its embed_tokens graph returns per_layer_inputs that every decoder step takes as an input, which the DAMRO decode does not carry, and its MobileNet-V5 tower is convolutional, with no patch-token attention layer for the outlier score.',
  },
  gemma4: {
    name: 'Gemma 4',
    reason:
      'its embed_tokens graph returns per_layer_inputs that every decoder step takes as an input, its last decoder layers reuse earlier layers’ keys and values (no cache of their own), and its tower takes patches with per-image positions (pixel_position_ids) at the image’s own aspect ratio; DAMRO Lens handles none of the three.',
  },
  mistral3: { name: 'Mistral 3', reason: `${PIXTRAL}; its models have 3B parameters and up.` },
  lighton_ocr: {
    name: 'LightOnOCR',
    reason: `${PIXTRAL}; and it is trained to transcribe documents, not to describe images.`,
  },
  glm_ocr: {
    name: 'GLM-OCR',
    reason: `its tower (Qwen2.5-VL's, with its own vision positions) differs from Qwen2-VL's, and ${QWEN2VL_ONLY}; and it is trained to transcribe documents, not to describe images.`,
  },
  'vision-encoder-decoder': {
    name: 'VisionEncoderDecoder',
    reason:
      'its decoder sees the image only through cross-attention to the encoder’s states, with the encoder’s keys and values in its cache (past_key_values.N.encoder.*), so there are no image tokens in the decoded sequence for the outlier branch to keep or drop.',
  },
  phi3_v: {
    name: 'Phi-3.5-vision',
    reason:
      'its export is split as prepare_inputs_embeds + model + vision_encoder, not embed_tokens + decoder_model_merged, and it encodes the image as high-resolution crops plus a global view with learned separator embeddings between rows, so image tokens do not map one to one onto one patch grid; its smallest model has 4.2B parameters.',
  },
  multi_modality: {
    name: 'Janus',
    reason:
      'its vision tower runs inside prepare_inputs_embeds, which returns the text and image embeddings already merged, so the image features cannot be selected for the outlier branch, and its logits come from a separate lm_head graph.',
  },
};

/** The typed refusal of a known family, naming it and why; undefined for a model_type not in the table. */
export function refuseUnsupportedFamily(
  modelId: string,
  modelType: string,
  supported: readonly string[],
): LensError | undefined {
  const family = Object.hasOwn(UNSUPPORTED_FAMILIES, modelType) ? UNSUPPORTED_FAMILIES[modelType] : undefined;
  if (!family) return undefined;
  return new LensError(
    'unsupported-model',
    `"${modelId}" is a ${family.name} model (model_type "${modelType}"), which DAMRO Lens cannot read: ${family.reason} Choose a model of a family it reads: ${supported.join(', ')}.`,
    { modelType, family: family.name },
  );
}
