// Names of the graph inputs, outputs and the intermediate tensors later stages tap (attention probabilities,
// the vision q_proj/k_proj outputs). They follow the torch exporter's scope naming of Optimum llava exports.

export const VISION_LAYER_SCOPE = (layer: number) => `/vision_tower/vision_model/encoder/layers.${layer}`;
export const TEXT_LAYER_SCOPE = (layer: number) => `/language_model/model/layers.${layer}`;

export const VISION_TENSORS = {
  input: 'pixel_values',
  output: 'image_features',
  /** Raw q_proj output of a vision layer, bias included, before the 1/√d scaling: [batch, tokens, hidden]. */
  qProj: (layer: number) => `${VISION_LAYER_SCOPE(layer)}/self_attn/q_proj/Add_output_0`,
  /** Raw k_proj output of a vision layer, bias included: [batch, tokens, hidden]. */
  kProj: (layer: number) => `${VISION_LAYER_SCOPE(layer)}/self_attn/k_proj/Add_output_0`,
  /** Attention probabilities of a vision layer: [batch, heads, tokens, tokens], token 0 is CLS. */
  softmax: (layer: number) => `${VISION_LAYER_SCOPE(layer)}/self_attn/Softmax_output_0`,
} as const;

export const EMBED_TENSORS = { input: 'input_ids', output: 'inputs_embeds' } as const;

export const DECODER_TENSORS = {
  inputsEmbeds: 'inputs_embeds',
  attentionMask: 'attention_mask',
  positionIds: 'position_ids',
  logits: 'logits',
  pastKey: (layer: number) => `past_key_values.${layer}.key`,
  pastValue: (layer: number) => `past_key_values.${layer}.value`,
  presentKey: (layer: number) => `present.${layer}.key`,
  presentValue: (layer: number) => `present.${layer}.value`,
  /** Attention probabilities of a decoder layer: [batch, heads, sequence, total sequence]. */
  softmax: (layer: number) => `${TEXT_LAYER_SCOPE(layer)}/self_attn/Softmax_output_0`,
} as const;
