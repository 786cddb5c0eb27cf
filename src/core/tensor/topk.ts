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
  if (values.length === 0) throw new LensError('bad-request', 'argmax of an empty vector: the model returned no logits.');
  let best = 0;
  for (let i = 1; i < values.length; i++) if (outranks(values, i, best)) best = i;
  return best;
}

/** Indices of the k largest values in descending order, lower index first on ties; O(n·k), meant for small k. */
export function topK(values: ArrayLike<number>, k: number): number[] {
  if (!Number.isInteger(k) || k < 0) throw new LensError('bad-request', `topK needs a non-negative integer k, got ${k}.`);
  const size = Math.min(k, values.length);
  const picked: number[] = [];
  if (size === 0) return picked;
  for (let i = 0; i < values.length; i++) {
    if (picked.length === size && !outranks(values, i, picked[size - 1])) continue;
    let at = picked.length === size ? size - 1 : picked.length;
    while (at > 0 && outranks(values, i, picked[at - 1])) {
      picked[at] = picked[at - 1];
      at--;
    }
    picked[at] = i;
  }
  picked.length = size;
  return picked;
}
