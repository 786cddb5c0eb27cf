import { describe, expect, it } from 'vitest';
import { attentionRowsFromQuery } from '../../../../src/core/attention/query-rows';

const softmax = (xs: number[]) => {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

describe('attention rows from a query and cached keys', () => {
  it('rotates the query at its position (half-split) before q·Kᵀ, by hand', () => {
    // headDim 2, rotaryDim 2: q = [1, 0] at position 1 with angle θ becomes [cos θ, sin θ].
    const theta = 0.7;
    const rows = attentionRowsFromQuery({
      query: Float32Array.of(1, 0),
      keys: Float32Array.of(1, 0, 0, 1, 1, 1),
      heads: 1,
      kvHeads: 1,
      headDim: 2,
      totalKeys: 3,
      scale: 0.5,
      position: 1,
      rotary: {
        cos: Float32Array.of(1, Math.cos(theta)),
        sin: Float32Array.of(0, Math.sin(theta)),
        interleaved: false,
        half: 1,
      },
    });
    const [c, s] = [Math.fround(Math.cos(theta)), Math.fround(Math.sin(theta))];
    softmax([0.5 * c, 0.5 * s, 0.5 * (c + s)]).forEach((p, j) => expect(rows[j]).toBeCloseTo(p, 6));
  });

  it('pairs interleaved channels (0,1), (2,3) and leaves channels past rotaryDim alone', () => {
    // headDim 4 with rotaryDim 2 (half 1), interleaved: channels 0,1 rotate by 90°, channels 2,3 stay.
    const rows = attentionRowsFromQuery({
      query: Float32Array.of(1, 0, 0, 2),
      keys: Float32Array.of(0, 1, 0, 0, 0, 0, 0, 1),
      heads: 1,
      kvHeads: 1,
      headDim: 4,
      totalKeys: 2,
      scale: 1,
      position: 0,
      rotary: { cos: Float32Array.of(0), sin: Float32Array.of(1), interleaved: true, half: 1 },
    });
    // Rotated q = [0, 1, 0, 2]: scores 1 and 2.
    softmax([1, 2]).forEach((p, j) => expect(rows[j]).toBeCloseTo(p, 6));
  });

  it('lets query heads share KV heads in groups', () => {
    // 4 query heads over 2 KV heads: heads 0–1 read KV head 0, heads 2–3 read KV head 1.
    const keys = Float32Array.of(1, 0, /* kv1 */ 0, 3);
    const rows = attentionRowsFromQuery({
      query: Float32Array.of(1, 1, 1, 1),
      keys,
      heads: 4,
      kvHeads: 2,
      headDim: 1,
      totalKeys: 2,
      scale: 1,
    });
    const first = softmax([1, 0]);
    const second = softmax([0, 3]);
    expect(Array.from(rows)).toEqual([...first, ...first, ...second, ...second].map(Math.fround));
    expect(() =>
      attentionRowsFromQuery({
        query: new Float32Array(3),
        keys,
        heads: 3,
        kvHeads: 2,
        headDim: 1,
        totalKeys: 2,
        scale: 1,
      }),
    ).toThrow(/do not group/);
  });
});

describe('sliding window and soft cap (GroupQueryAttention local_window_size, softcap)', () => {
  // One head, headDim 1, q = 1, scale 1: the scores are the keys themselves, [1, 2, 3, 4].
  const base = {
    query: Float32Array.of(1),
    keys: Float32Array.of(1, 2, 3, 4),
    heads: 1,
    kvHeads: 1,
    headDim: 1,
    totalKeys: 4,
    scale: 1,
  };

  it('a window of 2 keeps the 2 most recent keys (the query’s own included) and zeroes the rest', () => {
    const e = Math.exp;
    expect(Array.from(attentionRowsFromQuery({ ...base, window: 2 }))).toEqual(
      [0, 0, e(3) / (e(3) + e(4)), e(4) / (e(3) + e(4))].map(Math.fround),
    );
  });

  it('a cap of 2 turns scores s into 2·tanh(s / 2) before the softmax', () => {
    const capped = [1, 2, 3, 4].map((s) => Math.exp(2 * Math.tanh(s / 2)));
    const sum = capped.reduce((a, b) => a + b, 0);
    const rows = attentionRowsFromQuery({ ...base, softcap: 2 });
    capped.forEach((c, j) => expect(rows[j]).toBeCloseTo(c / sum, 6));
  });
});
