// onnx/vision_encoder.onnx of an Idefics3/SmolVLM export: pixel_values [batch_size, num_images, 3, S, S] and
// pixel_attention_mask [batch_size, num_images, S, S] → image_features [batch_size·num_images, tokens, text hidden].
// A SigLIP-like tower (conv patch embedding, position embeddings, no CLS token, pre-LayerNorm layers with
// MatMul/Softmax attention, post-LayerNorm), then the connector: pixel shuffle (each s × s block of patches
// becomes one token with s²× the channels) and a bias-free linear projection.
//
// pixel_attention_mask marks padded pixels when images of different tile counts share a batch; DAMRO Lens sends
// one unsplit image, where it is all true, so the graph declares it (transformers.js feeds it by name) without
// reading it.
import { GraphBuilder } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { emitLinear, type WeightFormat } from '../llava/linear-node';
import { siglipTower, type TowerAttention } from '../siglip/tower';
import { imageFeaturesOutput, towerNorm } from '../siglip/vision-encoder';
import type { Linear, LlavaWeights, WeightSource } from '../llava/weights';
import { imageSeqLen, patchSide, type Idefics3Dims } from './dims';

const TOWER = '/model/vision_model';

export interface Idefics3VisionExtras {
  /** [h·s², text hidden], no bias, as Idefics3Connector.modality_projection. */
  readonly projection: Linear;
  readonly postLayerNorm: { gamma: Float32Array; beta: Float32Array };
}

export function makeVisionExtras(d: Idefics3Dims, src: WeightSource): Idefics3VisionExtras {
  const h = d.base.vision.hidden;
  return {
    projection: src.projection('connector.modality_projection', h * d.scaleFactor ** 2, d.base.text.hidden),
    postLayerNorm: src.layerNorm('vision.post_layernorm', h),
  };
}

/** Patch tokens [B, g², h] → [B, g²/s², h·s²]; output token (i, j) holds patches (i·s + a, j·s + b), a, b < s. */
function pixelShuffle(g: GraphBuilder, x: string, d: Idefics3Dims): string {
  const scope = '/model/connector';
  const side = patchSide(d);
  const s = d.scaleFactor;
  const h = d.base.vision.hidden;
  const swap = (y: string) => g.op(scope, 'Transpose', [y], { perm: { ints: [0, 2, 1, 3] } });
  let y = g.op(scope, 'Reshape', [x, g.constI64([0, side, side / s, h * s])]);
  y = g.op(scope, 'Reshape', [swap(y), g.constI64([0, side / s, side / s, h * s * s])]);
  return g.op(scope, 'Reshape', [swap(y), g.constI64([0, imageSeqLen(d), h * s * s])]);
}

export function buildIdefics3VisionGraph(
  weights: LlavaWeights,
  extras: Idefics3VisionExtras,
  d: Idefics3Dims,
  format: WeightFormat,
  attention: TowerAttention,
  scale?: number,
): Uint8Array {
  const v = d.base.vision;
  const g = new GraphBuilder('main_graph');
  const pixels = g.input('pixel_values', DataType.FLOAT, ['batch_size', 'num_images', 3, v.imageSize, v.imageSize]);
  g.input('pixel_attention_mask', DataType.BOOL, ['batch_size', 'num_images', v.imageSize, v.imageSize]);

  const images = g.op(`${TOWER}/embeddings`, 'Reshape', [pixels, g.constI64([-1, 3, v.imageSize, v.imageSize])]);
  const tower = siglipTower(g, images, weights, format, TOWER, attention, scale);
  const x = towerNorm(g, TOWER, tower, extras.postLayerNorm, v.layerNormEps);
  const projected = emitLinear(
    g,
    '/model/connector/modality_projection/proj',
    pixelShuffle(g, x, d),
    extras.projection,
    'model.connector.modality_projection.proj',
    format,
  );
  return imageFeaturesOutput(g, '/model/connector', projected, imageSeqLen(d), d.base.text.hidden);
}
