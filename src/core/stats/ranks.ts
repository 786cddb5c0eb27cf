// Mid-ranks (ties share the mean of the ranks they span), the basis of the rank tests and Spearman's ρ.
import { LensError } from '../../protocol/errors';

export interface Ranking {
  /** 1-based mid-ranks, in the input's order. */
  readonly ranks: Float64Array;
  /** Sizes of the groups of tied values (groups of one included). */
  readonly ties: readonly number[];
}

export function midRanks(values: ArrayLike<number>): Ranking {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]))
      throw new LensError('bad-request', `Value ${i} is NaN; ranks need numbers (drop the missing values first).`);
  }
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  const ties: number[] = [];
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    // Positions start..end-1 hold ranks start+1..end; their mean is (start + 1 + end) / 2.
    for (let i = start; i < end; i++) ranks[order[i]] = (start + 1 + end) / 2;
    ties.push(end - start);
    start = end;
  }
  return { ranks, ties };
}
