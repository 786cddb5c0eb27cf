// The factory's public API: synthetic llava model folders and the float64 reference forward pass over the
// same weights.
export { DEFAULT_SEED, makeLlavaModel, type LlavaModel, type MakeLlavaOptions } from './llava/make-model';
export { writeModelFolder } from './write-folder';
export {
  SIZES,
  parameterCount,
  patchCount,
  usedVisionLayers,
  headDim,
  type LlavaDims,
  type ModelSize,
} from './llava/dims';
export type { WeightFormat } from './llava/linear-node';
export type { LlavaWeights } from './llava/weights';
export { DECODER_TENSORS, EMBED_TENSORS, VISION_TENSORS } from './llava/tensor-names';
export { SPECIAL_IDS, SPECIAL_TOKENS, VOCABULARY, tokenId } from './llava/vocabulary';
export { CHAT_TEMPLATE } from './llava/tokenizer-files';
export { withGraphOutputs } from './onnx/add-outputs';
export { effectiveWeights } from './quant/dequantized-weights';
export { referenceVision, type VisionReference, type VisionLayerReference } from './reference/vision-forward';
export {
  referenceDecoder,
  referenceEmbed,
  type DecoderReference,
  type DecoderReferenceInput,
  type KeyValue,
} from './reference/decoder-forward';
export { makeDetectorModel } from './detector/make-detector';
export { referenceDetector, type ReferenceQuery } from './detector/reference';
export { prototypeBytes, queryBox, BOX_SIZE as DETECTOR_BOX_SIZE } from './detector/design';
export { DETR_LABELS } from './detector/labels';
export { makeIdefics3Model, type Idefics3Model } from './idefics3/make-model';
export { makeGqaLlavaModel, GQA_KV_HEADS } from './gqa/make-model';
export { makeIfMergedLlavaModel, mergeDecoders } from './if-merged/make-model';
export { makeClsRulesLlavaModel, CLS_RULES } from './cls-rules/make-model';
export { makeSiglipLlavaModel, type SiglipLlavaType } from './siglip-llava/make-model';
export { makeQ4f16LlavaModel } from './q4f16/make-model';
export { toFloat16Inside } from './onnx/float16';
export type { DecoderAttention } from './llava/decoder-graph';
export type { TowerAttention } from './siglip/tower';
