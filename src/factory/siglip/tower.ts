// A SigLIP-like vision tower on the synthetic llava's weights: conv patch embedding, position embeddings, NO
// CLS token, then the encoder layers (MatMul/Softmax attention). The generator's position table starts with a
// CLS row, which a tower without CLS skips, so the planted outlier patches keep their indices.
import type { GraphBuilder } from '../onnx/graph-builder';
import { patchCount } from '../llava/dims';
import type { WeightFormat } from '../llava/linear-node';
import { encoderLayer } from '../llava/vision-graph';
import type { LlavaWeights } from '../llava/weights';

/** images [B, 3, S, S] → the last layer's hidden states [B, patches, hidden] (no post-LayerNorm). */
export function siglipTower(g: GraphBuilder, images: string, weights: LlavaWeights, format: WeightFormat, tower: string): string {
  const v = weights.dims.vision;
  const h = v.hidden;
  const scope = `${tower}/embeddings`;
  const kernel = g.initializer(`${tower.slice(1).replaceAll('/', '.')}.embeddings.patch_embedding.weight`, weights.vision.patchEmbedding, [h, 3, v.patchSize, v.patchSize]);
  const conv = g.op(`${scope}/patch_embedding`, 'Conv', [images, kernel], { kernel_shape: { ints: [v.patchSize, v.patchSize] }, strides: { ints: [v.patchSize, v.patchSize] } });
  const patches = g.op(scope, 'Transpose', [g.op(scope, 'Reshape', [conv, g.constI64([0, h, -1])])], { perm: { ints: [0, 2, 1] } });
  const positions = g.initializer(`${tower.slice(1).replaceAll('/', '.')}.embeddings.position_embedding.weight`, weights.vision.positionEmbedding.slice(h), [patchCount(v), h]);
  let x = g.op(scope, 'Add', [patches, positions]);
  weights.vision.layers.forEach((layer, l) => (x = encoderLayer(g, x, l, layer, weights, format)));
  return x;
}
