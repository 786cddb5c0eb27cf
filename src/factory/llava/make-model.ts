// The model folder transformers.js loads for `model_type: "llava"`, as in-memory files.
import { configJson, generationConfigJson, preprocessorConfigJson, processorConfigJson } from './config-files';
import { buildDecoderGraph, type DecoderAttention } from './decoder-graph';
import { parameterCount, SIZES, type ModelSize } from './dims';
import { buildEmbedGraph } from './embed-graph';
import type { WeightFormat } from './linear-node';
import { tokenizerConfigJson, tokenizerJson } from './tokenizer-files';
import { buildVisionGraph } from './vision-graph';
import { makeWeights, type LlavaWeights } from './weights';
import { jsonFile } from '../json-file';

export const DEFAULT_SEED = 42;

/** transformers.js's file suffix per dtype (DEFAULT_DTYPE_SUFFIX_MAPPING). */
const SUFFIX: Record<WeightFormat, string> = { fp32: '', q4: '_q4' };

export interface MakeLlavaOptions {
  size: ModelSize;
  dtype: WeightFormat;
  seed?: number;
  /** 'fused-mha': the decoder's attention as ORT-optimised com.microsoft MultiHeadAttention nodes. */
  decoderAttention?: DecoderAttention;
  /** 'packed': each vision layer makes q|k|v with one projection, split afterwards. */
  visionQkv?: 'separate' | 'packed';
}

export interface LlavaModel {
  /** Relative path inside the model folder → file contents. */
  files: Map<string, Uint8Array>;
  /** The fp32 weights the graphs were built from (q4 graphs hold their quantised form). */
  weights: LlavaWeights;
  parameters: number;
}

export function makeLlavaModel({
  size,
  dtype,
  seed = DEFAULT_SEED,
  decoderAttention = 'eager',
  visionQkv = 'separate',
}: MakeLlavaOptions): LlavaModel {
  const dims = SIZES[size];
  const weights = makeWeights(dims, seed);
  const suffix = SUFFIX[dtype];
  const files = new Map<string, Uint8Array>([
    ['config.json', jsonFile(configJson(dims, size, dtype, seed))],
    ['generation_config.json', jsonFile(generationConfigJson())],
    ['preprocessor_config.json', jsonFile(preprocessorConfigJson(dims))],
    ['processor_config.json', jsonFile(processorConfigJson(dims))],
    ['tokenizer.json', jsonFile(tokenizerJson(dims.text.vocabSize))],
    ['tokenizer_config.json', jsonFile(tokenizerConfigJson(dims.text.maxPositions))],
    [`onnx/vision_encoder${suffix}.onnx`, buildVisionGraph(weights, dtype, visionQkv === 'packed')],
    [`onnx/embed_tokens${suffix}.onnx`, buildEmbedGraph(weights)],
    [`onnx/decoder_model_merged${suffix}.onnx`, buildDecoderGraph(weights, dtype, decoderAttention)],
  ]);
  return { files, weights, parameters: parameterCount(dims) };
}
