// The beginning and end that the SigLIP-tower families' vision_encoder graphs share: the tower's final LayerNorm,
// scoped and named under the tower as the exports name it, a square pixel_values input through the tower to it, and
// the image_features output.
import { layerNorm } from '../llava/vision-graph';
import type { LayerNormWeights, LlavaWeights } from '../llava/weights';
import type { GraphBuilder } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { siglipTower } from './tower';

/** The tower's final LayerNorm: `post_layernorm` in most exports, `norm` in Moondream's. */
export function towerNorm(
  g: GraphBuilder,
  tower: string,
  x: string,
  w: LayerNormWeights,
  eps: number,
  norm = 'post_layernorm',
): string {
  return layerNorm(g, `${tower}/${norm}`, x, w, `${tower.slice(1).replaceAll('/', '.')}.${norm}`, eps);
}

/** The graph's input pixel_values [B, 3, S, S] through the tower (fp32, eager attention) and its final LayerNorm. */
export function normedSquareTower(
  g: GraphBuilder,
  weights: LlavaWeights,
  tower: string,
  w: LayerNormWeights,
  norm?: string,
): string {
  const v = weights.dims.vision;
  const pixels = g.input('pixel_values', DataType.FLOAT, ['batch_size', 3, v.imageSize, v.imageSize]);
  return towerNorm(g, tower, siglipTower(g, pixels, weights, 'fp32', tower), w, v.layerNormEps, norm);
}

/** Ends the graph: `x` [B, tokens, text hidden], under `scope`, is its output image_features. */
export function imageFeaturesOutput(
  g: GraphBuilder,
  scope: string,
  x: string,
  tokens: number,
  hidden: number,
): Uint8Array {
  g.node(scope, 'Identity', [x], { outputNames: ['image_features'] });
  g.output('image_features', DataType.FLOAT, ['batch_size', tokens, hidden]);
  return g.encode();
}
