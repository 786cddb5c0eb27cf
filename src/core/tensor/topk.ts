import { LensError } from '../../protocol/errors';

// Ties go to the lower index, so every caller (greedy decoding, outlier selection, the step inspector)
// agrees on one order regardless of platform sort stability. NaN ranks below −∞.
function rankKey(v: number): number {
  return Number.isNaN(v) ? -Infinity : v;
}

function outranks(values: ArrayLike<number>, a: number, b: number): boolean {
  const va = rankKey(values[a]);
  const vb = rankKey(values[b]);
  if (va !== vb) return va > vb;
  if (Number.isNaN(values[a]) !== Number.isNaN(values[b])) return Number.isNaN(values[b]);
  return a < b;
}

/** Index of the largest value, lower index on ties; throws on an empty vector. */
export function argmax(values: ArrayLike<number>): number {
  if (values.length === 0)
    throw new LensError('bad-request', 'argmax of an empty vector: the model returned no logits.');
  // Plain comparisons on the hot path (every decode step, ~50k logits): a strict > keeps the lower index on ties
  // and never picks NaN; a NaN in front is displaced by the first number, since NaN ranks below −∞.
  let best = 0;
  let bestValue = values[0];
  let bestIsNaN = Number.isNaN(bestValue);
  for (let i = 1; i < values.length; i++) {
    const v = values[i];
    if (v > bestValue || (bestIsNaN && v === v)) {
      best = i;
      bestValue = v;
      bestIsNaN = false;
    }
  }
  return best;
}

/**
 * Indices of the k largest values in descending order, lower index first on ties; O(n·k) worst case, meant for small k.
 */
export function topK(values: ArrayLike<number>, k: number): number[] {
  if (!Number.isInteger(k) || k < 0)
    throw new LensError('bad-request', `topK needs a non-negative integer k, got ${k}.`);
  const size = Math.min(k, values.length);
  const picked: number[] = [];
  if (size === 0) return picked;
  // Once k are picked, most values fall below the smallest of them; a plain comparison rejects those.
  let floor = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (picked.length === size && (values[i] < floor || !outranks(values, i, picked[size - 1]))) continue;
    let at = picked.length === size ? size - 1 : picked.length;
    while (at > 0 && outranks(values, i, picked[at - 1])) {
      picked[at] = picked[at - 1];
      at--;
    }
    picked[at] = i;
    if (picked.length === size) floor = rankKey(values[picked[size - 1]]);
  }
  picked.length = size;
  return picked;
}
