// Per-row measures of where a generated token's attention over the image goes, for the paper's two claims
// (src/core/damro-spec.md §1.1): how much falls on the encoder's outliers (share.ts), whether the decoder's own
// top-k image tokens are the encoder's top-k ("consistency"), and how spread out the attention is.
import { LensError } from '../../protocol/errors';
import { topK } from '../tensor/topk';

/**
 * Shannon entropy in nats of the row renormalised over the image tokens: 0 when one token takes everything,
 * ln(n) when all n are equal; NaN for a row with no mass.
 */
export function imageEntropy(row: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] < 0)
      throw new LensError('bad-request', `Attention value ${i} is negative (${row[i]}); entropy needs probabilities.`);
    total += row[i];
  }
  if (!(total > 0)) return Number.NaN;
  let entropy = 0;
  for (let i = 0; i < row.length; i++) {
    const p = row[i] / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return entropy;
}

/** |decoder top-k ∩ encoder top-k| / k, with k the number of encoder outliers (lower index wins ties). */
export function topKOverlap(row: ArrayLike<number>, outlierIdx: readonly number[]): number {
  const k = outlierIdx.length;
  if (k === 0 || k > row.length)
    throw new LensError('bad-request', `Top-k overlap needs 1 to ${row.length} outliers, got ${k}.`);
  const outliers = new Set(outlierIdx);
  return topK(row, k).filter((i) => outliers.has(i)).length / k;
}
