// The model folder transformers.js loads for `model_type: "paligemma"`, as in-memory files: the synthetic llava's
// weight generator for the tower and decoder; a vision_encoder laid out as PaliGemma exports it (a SigLIP-like tower
// without CLS, post-LayerNorm included, then the one linear projector, scaled by 1/√(text hidden size), so patch p is
// image token p); and a decoder with no attention_mask input that attends to every key of a call (the exports' all-zero
// mask: the prompt bidirectionally, src/engine/browser-stack.md §11), soft-capped as Gemma 2 is.
import { buildDecoderGraph } from '../llava/decoder-graph';
import type { LlavaDims } from '../llava/dims';
import { buildEmbedGraph } from '../llava/embed-graph';
import { emitLinear } from '../llava/linear-node';
import { makeWeights, WeightSource, type Linear, type LlavaWeights } from '../llava/weights';
import { GraphBuilder } from '../onnx/graph-builder';
import type { SiglipFamilyModel } from '../siglip/family-model';
import { imageFeaturesOutput, normedSquareTower } from '../siglip/vision-encoder';
import { jsonFile } from '../json-file';
import {
  configJson,
  generationConfigJson,
  preprocessorConfigJson,
  tokenizerConfigJson,
  tokenizerJson,
} from './config-files';
import { imageSeqLen, PALIGEMMA_SOFTCAP, PALIGEMMA_TINY } from './dims';

export type PaliGemmaModel = SiglipFamilyModel<LlavaDims>;

interface ProjectorWeights {
  readonly postLayerNorm: { gamma: Float32Array; beta: Float32Array };
  /** multi_modal_projector.linear: [vision hidden, text hidden], with bias. */
  readonly linear: Linear;
}

function makeProjector(d: LlavaDims, seed: number): ProjectorWeights {
  const src = new WeightSource(seed);
  return {
    postLayerNorm: src.layerNorm('vision.post_layernorm', d.vision.hidden),
    linear: src.linear('multi_modal_projector.linear', d.vision.hidden, d.text.hidden, true),
  };
}

const TOWER = '/vision_tower/vision_model';
const PROJECTOR = '/multi_modal_projector';

function buildVisionGraph(weights: LlavaWeights, projector: ProjectorWeights, d: LlavaDims): Uint8Array {
  const g = new GraphBuilder('main_graph');
  const x = normedSquareTower(g, weights, TOWER, projector.postLayerNorm);
  const projected = emitLinear(g, `${PROJECTOR}/linear`, x, projector.linear, 'multi_modal_projector.linear', 'fp32');
  // PaliGemma scales the image features by 1/√(text hidden size) before they join the prompt.
  const scaled = g.op(PROJECTOR, 'Mul', [projected, g.constF([1 / Math.sqrt(d.text.hidden)], [])]);
  return imageFeaturesOutput(g, PROJECTOR, scaled, imageSeqLen(d), d.text.hidden);
}

export function makePaliGemmaModel({
  seed = 42,
  dims = PALIGEMMA_TINY,
}: { seed?: number; dims?: LlavaDims } = {}): PaliGemmaModel {
  const weights = makeWeights(dims, seed);
  const files = new Map<string, Uint8Array>([
    ['config.json', jsonFile(configJson(dims, seed))],
    ['generation_config.json', jsonFile(generationConfigJson())],
    ['preprocessor_config.json', jsonFile(preprocessorConfigJson(dims))],
    ['tokenizer.json', jsonFile(tokenizerJson())],
    ['tokenizer_config.json', jsonFile(tokenizerConfigJson(dims.text.maxPositions))],
    ['onnx/vision_encoder.onnx', buildVisionGraph(weights, makeProjector(dims, seed), dims)],
    ['onnx/embed_tokens.onnx', buildEmbedGraph(weights)],
    [
      'onnx/decoder_model_merged.onnx',
      buildDecoderGraph(weights, 'fp32', 'eager', { mask: 'whole-call', softcap: PALIGEMMA_SOFTCAP }),
    ],
  ]);
  return { files, weights, dims, outlierPatches: weights.outlierPatches };
}
