// Attention rows recomputed on the CPU from one query position and the cached keys, for decoders whose attention is
// a fused op (com.microsoft GroupQueryAttention / MultiHeadAttention) that never outputs its probabilities: the
// reference the rows computed inside the graph (src/engine/taps/fused-decoder-tap.ts) are tested against. The
// query is taken before the op, so rotary embedding is applied here exactly as the op applies it (half-split or
// interleaved pairs over the first rotaryDim channels, cos/sin rows at the query's position); the present keys
// are already rotated. Query head h reads KV head ⌊h / (heads / kvHeads)⌋, as grouped-query attention does.
import { LensError } from '../../protocol/errors';

export interface RotaryTables {
  /** [positions, half] each. */
  readonly cos: Float32Array;
  readonly sin: Float32Array;
  readonly interleaved: boolean;
  /** rotaryDim / 2: the width of one cos/sin row. */
  readonly half: number;
}

export interface QueryRowsInput {
  /** One position's query, [heads, headDim], before rotary. */
  readonly query: Float32Array;
  /** Present keys of one batch row, [kvHeads, totalKeys, headDim] (rotated). */
  readonly keys: Float32Array;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly totalKeys: number;
  readonly scale: number;
  /** The query's position (rotary row); absent when the op does no rotary. */
  readonly position?: number;
  readonly rotary?: RotaryTables;
  /**
   * Sliding-window attention (GQA local_window_size, as onnxruntime applies it): the query at key index
   * totalKeys − 1 sees only the `window` most recent keys, itself included; earlier keys get probability 0.
   * Absent: every key.
   */
  readonly window?: number;
  /** Score soft-capping (GQA softcap): scores become cap · tanh(score / cap) before the softmax. Absent or 0: none. */
  readonly softcap?: number;
}

/** Rotates one head's query in place over its first rotaryDim = 2 · (cos row width) channels. */
function rotateQuery(q: Float64Array, tables: RotaryTables, position: number, rotaryHalf: number): void {
  const row = position * rotaryHalf;
  if (row + rotaryHalf > tables.cos.length)
    throw new LensError(
      'bad-request',
      `Position ${position} is past the rotary tables' ${tables.cos.length / rotaryHalf} rows.`,
    );
  for (let i = 0; i < rotaryHalf; i++) {
    const cos = tables.cos[row + i]!;
    const sin = tables.sin[row + i]!;
    // Half-split pairs channel i with i + rotaryDim/2; interleaved pairs 2i with 2i + 1.
    const [a, b] = tables.interleaved ? [2 * i, 2 * i + 1] : [i, i + rotaryHalf];
    const x1 = q[a]!;
    const x2 = q[b]!;
    q[a] = x1 * cos - x2 * sin;
    q[b] = x2 * cos + x1 * sin;
  }
}

/** Softmax(q·Kᵀ·scale, soft-capped, windowed) per head over totalKeys keys: [heads, totalKeys]. */
export function attentionRowsFromQuery(input: QueryRowsInput): Float32Array {
  const { query, keys, heads, kvHeads, headDim, totalKeys, scale, rotary, position, window, softcap } = input;
  if (heads % kvHeads !== 0)
    throw new LensError('bad-request', `${heads} query heads do not group over ${kvHeads} KV heads.`);
  if (query.length !== heads * headDim || keys.length !== kvHeads * totalKeys * headDim) {
    throw new LensError(
      'bad-request',
      `Query holds ${query.length} values and keys ${keys.length}, but [${heads}, ${headDim}] and [${kvHeads}, ${totalKeys}, ${headDim}] were expected.`,
    );
  }
  const out = new Float32Array(heads * totalKeys);
  const q = new Float64Array(headDim);
  const scores = new Float64Array(totalKeys);
  const group = heads / kvHeads;
  const first = window === undefined || window < 0 ? 0 : Math.max(0, totalKeys - window);
  const cap = softcap && softcap > 0 ? softcap : 0;
  for (let h = 0; h < heads; h++) {
    for (let c = 0; c < headDim; c++) q[c] = query[h * headDim + c]!;
    if (rotary) rotateQuery(q, rotary, position ?? 0, rotary.half);
    const kvBase = Math.floor(h / group) * totalKeys * headDim;
    let max = -Infinity;
    for (let j = first; j < totalKeys; j++) {
      let dot = 0;
      for (let c = 0; c < headDim; c++) dot += q[c]! * keys[kvBase + j * headDim + c]!;
      scores[j] = cap ? cap * Math.tanh((dot * scale) / cap) : dot * scale;
      if (scores[j]! > max) max = scores[j]!;
    }
    let sum = 0;
    for (let j = first; j < totalKeys; j++) sum += scores[j] = Math.exp(scores[j]! - max);
    for (let j = first; j < totalKeys; j++) out[h * totalKeys + j] = scores[j]! / sum;
  }
  return out;
}
