// The model folder transformers.js loads for `model_type: "gemma3"`, as in-memory files: the synthetic llava's
// weight generator for the tower and decoder, and a vision_encoder laid out as Gemma 3 exports it: a SigLIP-like
// tower without CLS (post-LayerNorm included), then the multimodal projector, which average-pools the patch grid
// pool × pool, normalises (RMSNorm) and projects into the decoder's width. The pooled token (i, j) averages patches
// (i·pool + a, j·pool + b), a, b < pool, so image_features come out in raster order over the token grid.
import { buildDecoderGraph } from '../llava/decoder-graph';
import { rmsNorm } from '../llava/decoder-graph';
import { buildEmbedGraph } from '../llava/embed-graph';
import { emitLinear } from '../llava/linear-node';
import { makeWeights, WeightSource, type Linear, type LlavaWeights } from '../llava/weights';
import { GraphBuilder } from '../onnx/graph-builder';
import type { SiglipFamilyModel } from '../siglip/family-model';
import { imageFeaturesOutput, normedSquareTower } from '../siglip/vision-encoder';
import {
  configJson,
  GEMMA3_CHAT_TEMPLATE,
  generationConfigJson,
  preprocessorConfigJson,
  processorConfigJson,
  tokenizerConfigJson,
  tokenizerJson,
} from './config-files';
import { GEMMA3_TINY, imageSeqLen, patchSide, type Gemma3Dims } from './dims';
import { jsonFile } from '../json-file';

export type Gemma3Model = SiglipFamilyModel<Gemma3Dims>;

interface ProjectorWeights {
  readonly postLayerNorm: { gamma: Float32Array; beta: Float32Array };
  /** mm_soft_emb_norm, stored as the effective scale (Gemma's RMSNorm multiplies by 1 + weight). */
  readonly softEmbNorm: Float32Array;
  /** mm_input_projection_weight: [vision hidden, text hidden], no bias. */
  readonly projection: Linear;
}

function makeProjector(d: Gemma3Dims, seed: number): ProjectorWeights {
  const h = d.base.vision.hidden;
  const src = new WeightSource(seed);
  return {
    postLayerNorm: src.layerNorm('vision.post_layernorm', h),
    softEmbNorm: src.normal('multi_modal_projector.mm_soft_emb_norm', h, 0.1, 1),
    projection: src.projection('multi_modal_projector.mm_input_projection', h, d.base.text.hidden),
  };
}

const TOWER = '/vision_tower/vision_model';
const PROJECTOR = '/multi_modal_projector';

function buildVisionGraph(weights: LlavaWeights, projector: ProjectorWeights, d: Gemma3Dims): Uint8Array {
  const v = d.base.vision;
  const side = patchSide(d);
  const g = new GraphBuilder('main_graph');
  const x = normedSquareTower(g, weights, TOWER, projector.postLayerNorm);
  // [B, patches, h] → [B, h, side, side] → average pool → [B, tokens, h].
  const grid = g.op(PROJECTOR, 'Reshape', [
    g.op(PROJECTOR, 'Transpose', [x], { perm: { ints: [0, 2, 1] } }),
    g.constI64([0, v.hidden, side, side]),
  ]);
  const pooled = g.op(`${PROJECTOR}/avg_pool`, 'AveragePool', [grid], {
    kernel_shape: { ints: [d.pool, d.pool] },
    strides: { ints: [d.pool, d.pool] },
  });
  const tokens = g.op(PROJECTOR, 'Transpose', [g.op(PROJECTOR, 'Reshape', [pooled, g.constI64([0, v.hidden, -1])])], {
    perm: { ints: [0, 2, 1] },
  });
  const normed = rmsNorm(
    g,
    `${PROJECTOR}/mm_soft_emb_norm`,
    tokens,
    projector.softEmbNorm,
    'multi_modal_projector.mm_soft_emb_norm',
    1e-6,
  );
  const projected = emitLinear(
    g,
    `${PROJECTOR}/mm_input_projection`,
    normed,
    projector.projection,
    'multi_modal_projector.mm_input_projection',
    'fp32',
  );
  return imageFeaturesOutput(g, PROJECTOR, projected, imageSeqLen(d), d.base.text.hidden);
}

export function makeGemma3Model({
  seed = 42,
  dims = GEMMA3_TINY,
}: { seed?: number; dims?: Gemma3Dims } = {}): Gemma3Model {
  if (patchSide(dims) % dims.pool !== 0) throw new Error('the patch grid must split into pool × pool blocks');
  const weights = makeWeights(dims.base, seed);
  const files = new Map<string, Uint8Array>([
    ['config.json', jsonFile(configJson(dims, seed))],
    ['generation_config.json', jsonFile(generationConfigJson())],
    ['preprocessor_config.json', jsonFile(preprocessorConfigJson(dims))],
    ['processor_config.json', jsonFile(processorConfigJson(dims))],
    ['tokenizer.json', jsonFile(tokenizerJson())],
    ['tokenizer_config.json', jsonFile(tokenizerConfigJson(dims.base.text.maxPositions))],
    ['chat_template.jinja', new TextEncoder().encode(GEMMA3_CHAT_TEMPLATE)],
    ['onnx/vision_encoder.onnx', buildVisionGraph(weights, makeProjector(dims, seed), dims)],
    ['onnx/embed_tokens.onnx', buildEmbedGraph(weights)],
    ['onnx/decoder_model_merged.onnx', buildDecoderGraph(weights, 'fp32')],
  ]);
  return { files, weights, dims, outlierPatches: weights.outlierPatches };
}
