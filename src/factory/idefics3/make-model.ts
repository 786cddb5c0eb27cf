// The model folder transformers.js loads for `model_type: "idefics3"` (SmolVLM), as in-memory files: the
// synthetic llava's weight generator for the tower and decoder, a SigLIP-like graph without CLS and the
// pixel-shuffle connector, and SmolVLM's processor files.
import { buildDecoderGraph } from '../llava/decoder-graph';
import { buildEmbedGraph } from '../llava/embed-graph';
import { makeWeights, WeightSource } from '../llava/weights';
import {
  configJson,
  generationConfigJson,
  preprocessorConfigJson,
  processorConfigJson,
  tokenizerConfigJson,
  tokenizerJson,
} from './config-files';
import { IDEFICS3_TINY, patchSide, type Idefics3Dims } from './dims';
import type { SiglipFamilyModel } from '../siglip/family-model';
import type { TowerAttention } from '../siglip/tower';
import { buildIdefics3VisionGraph, makeVisionExtras } from './vision-graph';
import { jsonFile } from '../json-file';

export type Idefics3Model = SiglipFamilyModel<Idefics3Dims>;

/**
 * `visionAttention: 'fused'` writes the tower as ORT's optimiser leaves it (com.microsoft MultiHeadAttention);
 * `visionScale` gives its attention an explicit score scale (a fused op's `scale` attribute).
 */
export function makeIdefics3Model({
  seed = 42,
  dims = IDEFICS3_TINY,
  visionAttention = 'eager',
  visionScale,
}: { seed?: number; dims?: Idefics3Dims; visionAttention?: TowerAttention; visionScale?: number } = {}): Idefics3Model {
  const weights = makeWeights(dims.base, seed);
  const extras = makeVisionExtras(dims, new WeightSource(seed));
  const files = new Map<string, Uint8Array>([
    ['config.json', jsonFile(configJson(dims, seed))],
    ['generation_config.json', jsonFile(generationConfigJson())],
    ['preprocessor_config.json', jsonFile(preprocessorConfigJson(dims))],
    ['processor_config.json', jsonFile(processorConfigJson(dims))],
    ['tokenizer.json', jsonFile(tokenizerJson())],
    ['tokenizer_config.json', jsonFile(tokenizerConfigJson(dims.base.text.maxPositions))],
    ['onnx/vision_encoder.onnx', buildIdefics3VisionGraph(weights, extras, dims, 'fp32', visionAttention, visionScale)],
    ['onnx/embed_tokens.onnx', buildEmbedGraph(weights)],
    ['onnx/decoder_model_merged.onnx', buildDecoderGraph(weights, 'fp32')],
  ]);
  if (patchSide(dims) % dims.scaleFactor !== 0) throw new Error('the patch grid must split into scale × scale blocks');
  return { files, weights, dims, outlierPatches: weights.outlierPatches };
}
