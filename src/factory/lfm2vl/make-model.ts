// The model folder transformers.js loads for `model_type: "lfm2_vl"`, as in-memory files: the synthetic llava's
// weight generator for the tower's layers, position table and the decoder's attention and feed-forward weights,
// plus LFM2-VL's own parts (linear patch embedding, pixel-unshuffle projector, short-convolution layers, q/k norms).
import { buildEmbedGraph } from '../llava/embed-graph';
import { makeWeights, WeightSource, type LlavaWeights } from '../llava/weights';
import { jsonFile } from '../json-file';
import {
  configJson,
  generationConfigJson,
  preprocessorConfigJson,
  tokenizerConfigJson,
  tokenizerJson,
} from './config-files';
import { buildLfm2DecoderGraph, makeDecoderExtras, type Lfm2DecoderExtras } from './decoder-graph';
import { LFM2VL_TINY, type Lfm2VlDims } from './dims';
import { buildLfm2VlVisionGraph, makeVisionExtras, type Lfm2VlVisionExtras } from './vision-graph';

export interface Lfm2VlModel {
  readonly files: Map<string, Uint8Array>;
  readonly weights: LlavaWeights;
  readonly vision: Lfm2VlVisionExtras;
  readonly decoder: Lfm2DecoderExtras;
  readonly dims: Lfm2VlDims;
}

export function makeLfm2VlModel({
  seed = 42,
  dims = LFM2VL_TINY,
}: { seed?: number; dims?: Lfm2VlDims } = {}): Lfm2VlModel {
  if (dims.layerTypes.length !== dims.base.text.layers) throw new Error('one layer type per decoder layer');
  if (dims.base.vision.imageSize / dims.base.vision.patchSize !== dims.positionSide)
    throw new Error('the llava generator must make exactly the side × side position table');
  const weights = makeWeights(dims.base, seed);
  const src = new WeightSource(seed, 'lfm2vl.');
  const vision = makeVisionExtras(dims, src);
  const decoder = makeDecoderExtras(dims, src);
  const files = new Map<string, Uint8Array>([
    ['config.json', jsonFile(configJson(dims, seed))],
    ['generation_config.json', jsonFile(generationConfigJson())],
    ['preprocessor_config.json', jsonFile(preprocessorConfigJson(dims))],
    ['tokenizer.json', jsonFile(tokenizerJson())],
    ['tokenizer_config.json', jsonFile(tokenizerConfigJson(dims.base.text.maxPositions))],
    ['onnx/vision_encoder.onnx', buildLfm2VlVisionGraph(weights, vision, dims)],
    ['onnx/embed_tokens.onnx', buildEmbedGraph(weights)],
    ['onnx/decoder_model_merged.onnx', buildLfm2DecoderGraph(weights, decoder, dims)],
  ]);
  return { files, weights, vision, decoder, dims };
}
