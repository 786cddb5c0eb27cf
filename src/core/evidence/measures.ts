// The per-layer measures of one generated token's attention ([layers, heads, imageTokens]), computed where the
// attention is (the worker), so only 3 × layers numbers per token leave it.
import { aggregateAttention } from '../attention/aggregate';
import { imageEntropy, topKOverlap } from '../attention/image-evidence';
import { outlierShare } from '../attention/share';
import type { StepAttentionMeasures } from '../../protocol/evidence';

export function stepMeasures(
  frame: Float32Array,
  layers: number,
  heads: number,
  outliers: readonly number[],
): StepAttentionMeasures {
  const stack = { data: frame, layers, heads, imageTokens: frame.length / (layers * heads) };
  const share: number[] = [];
  const overlap: number[] = [];
  const entropy: number[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const row = aggregateAttention('mean-heads', stack, { layerFrom: layer, layerTo: layer + 1 });
    share.push(outlierShare(row, outliers));
    overlap.push(topKOverlap(row, outliers));
    entropy.push(imageEntropy(row));
  }
  return { share, overlap, entropy };
}

/** L2 norm of each row of a [tokens, width] matrix. */
export function rowNorms(matrix: Float32Array, tokens: number, width: number): number[] {
  return Array.from({ length: tokens }, (_, t) => {
    let sq = 0;
    for (let d = 0; d < width; d++) sq += matrix[t * width + d] ** 2;
    return Math.sqrt(sq);
  });
}
