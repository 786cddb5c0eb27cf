// The model folder transformers.js loads for `model_type: "qwen2_vl"` (or, with windows, "qwen2_5_vl"), as in-memory
// files: the synthetic llava's weight generator for the tower's blocks and the decoder, a vision_encoder laid out as
// the family exports it (vision-graph.ts) and the decoder with M-RoPE position_ids [3, batch, sequence].
import { buildDecoderGraph } from '../llava/decoder-graph';
import { buildEmbedGraph } from '../llava/embed-graph';
import { makeWeights, type LlavaWeights } from '../llava/weights';
import { jsonFile } from '../json-file';
import { Rng } from '../rng';
import {
  configJson,
  generationConfigJson,
  preprocessorConfigJson,
  qwen25vlConfigJson,
  tokenizerConfigJson,
  tokenizerJson,
} from './config-files';
import { patchValues, QWEN2VL_TINY, type Qwen2VLDims } from './dims';
import { buildVisionGraph, type Qwen2VLVisionWeights } from './vision-graph';

export interface Qwen2VLModel {
  readonly files: Map<string, Uint8Array>;
  readonly weights: LlavaWeights;
  readonly tower: Qwen2VLVisionWeights;
  readonly dims: Qwen2VLDims;
}

function makeTower(d: Qwen2VLDims, seed: number): Qwen2VLVisionWeights {
  const h = d.base.vision.hidden;
  const joined = d.mergeSize ** 2 * h;
  const normal = (stream: string, size: number, std: number, mean = 0) => {
    const r = new Rng(seed, stream);
    return Float32Array.from({ length: size }, () => mean + std * r.normal());
  };
  const linear = (stream: string, inDim: number, outDim: number, bias: boolean) => ({
    weight: normal(`${stream}.weight`, inDim * outDim, 1 / Math.sqrt(inDim)),
    bias: bias ? normal(`${stream}.bias`, outDim, 0.02) : null,
    inDim,
    outDim,
  });
  return {
    patchEmbed: linear('visual.patch_embed.proj', patchValues(d), h, false),
    lnQ: { gamma: normal('visual.merger.ln_q.weight', h, 0.1, 1), beta: normal('visual.merger.ln_q.bias', h, 0.1) },
    mlp0: linear('visual.merger.mlp.0', joined, joined, true),
    mlp2: linear('visual.merger.mlp.2', joined, d.base.text.hidden, true),
  };
}

export function makeQwen2VLModel({
  seed = 42,
  dims = QWEN2VL_TINY,
}: { seed?: number; dims?: Qwen2VLDims } = {}): Qwen2VLModel {
  const weights = makeWeights(dims.base, seed);
  const tower = makeTower(dims, seed);
  const files = new Map<string, Uint8Array>([
    ['config.json', jsonFile(dims.windows ? qwen25vlConfigJson(dims, seed) : configJson(dims, seed))],
    ['generation_config.json', jsonFile(generationConfigJson())],
    ['preprocessor_config.json', jsonFile(preprocessorConfigJson(dims))],
    ['tokenizer.json', jsonFile(tokenizerJson())],
    ['tokenizer_config.json', jsonFile(tokenizerConfigJson(dims))],
    ['onnx/vision_encoder.onnx', buildVisionGraph(weights, tower, dims)],
    ['onnx/embed_tokens.onnx', buildEmbedGraph(weights)],
    [
      'onnx/decoder_model_merged.onnx',
      buildDecoderGraph(weights, 'fp32', 'eager', { mropeSection: dims.mropeSection }),
    ],
  ]);
  return { files, weights, tower, dims };
}
