// The paper links hallucination to how much decoder attention lands on the ViT outlier tokens; the UI shows
// that share as one number per generated token.
import { LensError } from '../../protocol/errors';

/** Fraction of a row's image-attention mass on the outlier patches; NaN when the row has no mass. */
export function outlierShare(row: ArrayLike<number>, outlierIdx: readonly number[]): number {
  const seen = new Set<number>();
  let onOutliers = 0;
  for (const j of outlierIdx) {
    if (!Number.isInteger(j) || j < 0 || j >= row.length)
      throw new LensError('bad-request', `Outlier index ${j} is outside the ${row.length} image tokens.`);
    if (seen.has(j))
      throw new LensError('bad-request', `Outlier index ${j} is listed twice; its attention would be counted twice.`);
    seen.add(j);
    onOutliers += row[j];
  }
  let total = 0;
  for (let i = 0; i < row.length; i++) total += row[i];
  return total > 0 ? onOutliers / total : Number.NaN;
}
