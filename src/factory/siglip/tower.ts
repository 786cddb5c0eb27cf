// A SigLIP-like vision tower on the synthetic llava's weights: conv patch embedding, position embeddings, NO
// CLS token, then the encoder layers, with eager attention (MatMul/Softmax) or, as ORT's optimiser leaves it,
// fused into com.microsoft MultiHeadAttention(q, k, v, packed bias). The generator's position table starts with
// a CLS row, which a tower without CLS skips, so the planted outlier patches keep their indices.
import type { GraphBuilder } from '../onnx/graph-builder';
import { patchCount } from '../llava/dims';
import type { WeightFormat } from '../llava/linear-node';
import { emitLinear } from '../llava/linear-node';
import { afterAttention, encoderLayer, layerNorm } from '../llava/vision-graph';
import type { LlavaWeights, VisionLayerWeights } from '../llava/weights';

export type TowerAttention = 'eager' | 'fused';

function fusedLayer(
  g: GraphBuilder,
  x: string,
  layer: number,
  w: VisionLayerWeights,
  weights: LlavaWeights,
  format: WeightFormat,
  tower: string,
  scale: number | undefined,
): string {
  const v = weights.dims.vision;
  const scope = `${tower}/encoder/layers.${layer}`;
  const name = `${tower.slice(1).replaceAll('/', '.')}.encoder.layers.${layer}`;
  const attn = `${scope}/self_attn`;
  const normed = layerNorm(g, `${scope}/layer_norm1`, x, w.layerNorm1, `${name}.layer_norm1`, v.layerNormEps);
  // The fusion moves the projections' biases into the op's packed bias input.
  const project = (lin: VisionLayerWeights['q'], which: string) =>
    emitLinear(g, `${attn}/${which}_proj`, normed, { ...lin, bias: null }, `${name}.self_attn.${which}_proj`, format);
  const bias = g.initializer(
    `${name}.self_attn.qkv_bias`,
    Float32Array.from([...w.q.bias!, ...w.k.bias!, ...w.v.bias!]),
    [3 * v.hidden],
  );
  const context = g.op(
    attn,
    'MultiHeadAttention',
    [project(w.q, 'q'), project(w.k, 'k'), project(w.v, 'v'), bias],
    { num_heads: { i: v.heads }, ...(scale === undefined ? {} : { scale: { f: scale } }) },
    'com.microsoft',
  );
  return afterAttention(g, scope, name, x, context, w, v.layerNormEps, format);
}

/**
 * images [B, 3, S, S] → the last layer's hidden states [B, patches, hidden] (no post-LayerNorm). With `scale`,
 * attention scores are q·kᵀ·scale and a fused op carries it as its explicit `scale` attribute, as real exports do.
 */
export function siglipTower(
  g: GraphBuilder,
  images: string,
  weights: LlavaWeights,
  format: WeightFormat,
  tower: string,
  attention: TowerAttention = 'eager',
  scale?: number,
): string {
  const v = weights.dims.vision;
  const h = v.hidden;
  const scope = `${tower}/embeddings`;
  const kernel = g.initializer(
    `${tower.slice(1).replaceAll('/', '.')}.embeddings.patch_embedding.weight`,
    weights.vision.patchEmbedding,
    [h, 3, v.patchSize, v.patchSize],
  );
  const conv = g.op(`${scope}/patch_embedding`, 'Conv', [images, kernel], {
    kernel_shape: { ints: [v.patchSize, v.patchSize] },
    strides: { ints: [v.patchSize, v.patchSize] },
  });
  const patches = g.op(scope, 'Transpose', [g.op(scope, 'Reshape', [conv, g.constI64([0, h, -1])])], {
    perm: { ints: [0, 2, 1] },
  });
  const positions = g.initializer(
    `${tower.slice(1).replaceAll('/', '.')}.embeddings.position_embedding.weight`,
    weights.vision.positionEmbedding.slice(h),
    [patchCount(v), h],
  );
  let x = g.op(scope, 'Add', [patches, positions]);
  weights.vision.layers.forEach(
    (layer, l) =>
      (x =
        attention === 'fused'
          ? fusedLayer(g, x, l, layer, weights, format, tower, scale)
          : encoderLayer(g, x, l, layer, weights, format, scale)),
  );
  return x;
}
