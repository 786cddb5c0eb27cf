// The model folder transformers.js loads for `model_type: "moondream1"` (Xenova/moondream2's layout), as in-memory
// files: vision_encoder = the synthetic llava's SigLIP-like tower without CLS (post-LayerNorm included) and
// Moondream's projector MLP (fc1, gelu_new, fc2), one image token per patch in raster order; embed_tokens = a Gather
// over the Phi embedding table (the <image> id −200 wraps to a row, as ONNX Gather reads negative indices);
// decoder_model_merged = the Phi-1.5-like decoder of phi-decoder-graph.ts.
import { SIZES } from '../llava/dims';
import { emitLinear } from '../llava/linear-node';
import { EMBED_TENSORS } from '../llava/tensor-names';
import { makeWeights, WeightSource, type LayerNormWeights, type LlavaWeights } from '../llava/weights';
import { jsonFile } from '../json-file';
import { GraphBuilder } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { imageFeaturesOutput, normedSquareTower } from '../siglip/vision-encoder';
import {
  configJson,
  generationConfigJson,
  preprocessorConfigJson,
  tokenizerConfigJson,
  tokenizerJson,
} from './config-files';
import { imageTokens, MOONDREAM_TINY, type MoondreamDims } from './dims';
import { buildPhiDecoderGraph, geluNew, type PhiAttention } from './phi-decoder-graph';
import { makePhiWeights, type PhiWeights } from './phi-weights';

export interface MoondreamModel {
  readonly files: Map<string, Uint8Array>;
  /** The tower's weights (vision); its text part is unused. */
  readonly vision: LlavaWeights;
  readonly phi: PhiWeights;
  readonly dims: MoondreamDims;
  /** Patches (raster order, = image tokens) built to be high-norm outliers. */
  readonly outlierPatches: readonly number[];
}

const TOWER = '/vision_encoder/encoder/model/visual';
const PROJECTOR = '/vision_encoder/projection/mlp';

function buildVisionGraph(weights: LlavaWeights, norm: LayerNormWeights, d: MoondreamDims): Uint8Array {
  const g = new GraphBuilder('main_graph');
  const x = normedSquareTower(g, weights, TOWER, norm, 'norm');
  const w = weights.vision;
  const hidden = emitLinear(g, `${PROJECTOR}/fc1`, x, w.projector1, 'vision_encoder.projection.mlp.fc1', 'fp32');
  const projected = emitLinear(
    g,
    `${PROJECTOR}/fc2`,
    geluNew(g, `${PROJECTOR}/act`, hidden),
    w.projector2,
    'vision_encoder.projection.mlp.fc2',
    'fp32',
  );
  return imageFeaturesOutput(g, PROJECTOR, projected, imageTokens(d), d.text.hidden);
}

function buildEmbedGraph(phi: PhiWeights): Uint8Array {
  const t = phi.dims;
  const g = new GraphBuilder('main_graph');
  const ids = g.input(EMBED_TENSORS.input, DataType.INT64, ['batch_size', 'sequence_length']);
  const table = g.initializer('model.embed_tokens.weight', phi.embedTokens, [t.vocabSize, t.hidden]);
  g.node('/model/embed_tokens', 'Gather', [table, ids], { outputNames: [EMBED_TENSORS.output] });
  g.output(EMBED_TENSORS.output, DataType.FLOAT, ['batch_size', 'sequence_length', t.hidden]);
  return g.encode();
}

export function makeMoondreamModel({
  seed = 42,
  dims = MOONDREAM_TINY,
  decoderAttention = 'eager',
}: { seed?: number; dims?: MoondreamDims; decoderAttention?: PhiAttention } = {}): MoondreamModel {
  // The llava generator makes the tower and a projector into its text width, which is the Phi width here.
  const vision = makeWeights(
    {
      vision: dims.vision,
      text: { ...SIZES.tiny.text, hidden: dims.text.hidden },
      outlierPatches: dims.outlierPatches,
    },
    seed,
  );
  const phi = makePhiWeights(dims.text, seed);
  const files = new Map<string, Uint8Array>([
    ['config.json', jsonFile(configJson(dims, seed))],
    ['generation_config.json', jsonFile(generationConfigJson())],
    ['preprocessor_config.json', jsonFile(preprocessorConfigJson(dims))],
    ['tokenizer.json', jsonFile(tokenizerJson())],
    ['tokenizer_config.json', jsonFile(tokenizerConfigJson(dims.text.maxPositions))],
    [
      'onnx/vision_encoder.onnx',
      buildVisionGraph(vision, new WeightSource(seed).layerNorm('vision.norm', dims.vision.hidden), dims),
    ],
    ['onnx/embed_tokens.onnx', buildEmbedGraph(phi)],
    ['onnx/decoder_model_merged.onnx', buildPhiDecoderGraph(phi, decoderAttention)],
  ]);
  return { files, vision, phi, dims, outlierPatches: vision.outlierPatches };
}
