// The per-layer measures of one generated token's attention ([layers, heads, imageTokens]), computed where the
// attention is (the worker), so only 3 × layers numbers per token leave it.
import { aggregateAttention } from '../attention/aggregate';
import { imageEntropy, topKOverlap } from '../attention/image-evidence';
import { outlierShare } from '../attention/share';
import { LensError } from '../../protocol/errors';
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

/**
 * A frame over some of the image tokens ([slices, held.length], `held` naming each column's image token) as a frame
 * over all `imageTokens` of them, zero on the tokens the row did not hold: a row that never saw a token gave it no
 * attention, so the measures of every method's row are taken over the same image grid.
 */
export function spreadOverImage(frame: Float32Array, held: ArrayLike<number>, imageTokens: number): Float32Array {
  const width = held.length;
  if (width === 0 || frame.length % width !== 0)
    throw new LensError(
      'internal',
      `An attention frame of ${frame.length} values does not split into rows of the ${width} image tokens its row holds; please report this.`,
    );
  const slices = frame.length / width;
  const spread = new Float32Array(slices * imageTokens);
  for (let s = 0; s < slices; s++)
    for (let j = 0; j < width; j++) spread[s * imageTokens + held[j]] = frame[s * width + j];
  return spread;
}
