import { describe, expect, it } from 'vitest';
import { dequantizeQ4, quantizeQ4 } from '../../../src/factory/quant/q4';

describe('q4 (MatMulNBits layout)', () => {
  it('packs a hand-worked block: scale = absmax / 7, q = round(w / scale) + 8, even k in the low nibble', () => {
    // One output column (N = 1), K = 32: w[k] = 0 except w[0] = 7, w[1] = -7, w[2] = 3.4, w[3] = 1.
    const w = new Float32Array(32);
    w.set([7, -7, 3.4, 1]);
    const q = quantizeQ4(w, 32, 1);
    expect(Array.from(q.scales)).toEqual([1]);
    // k0 → 15, k1 → 1: byte 0 = 15 | 1 << 4; k2 → round(3.4) + 8 = 11, k3 → 9: byte 1 = 11 | 9 << 4.
    expect(q.packed[0]).toBe(15 | (1 << 4));
    expect(q.packed[1]).toBe(11 | (9 << 4));
    expect(q.packed[2]).toBe(8 | (8 << 4));
    expect(Array.from(dequantizeQ4(q).subarray(0, 4))).toEqual([7, -7, 3, 1]);
  });

  it('lays out [N, blocks, 16] bytes and round-trips within half a step per block', () => {
    const K = 64;
    const N = 3;
    const w = new Float32Array(K * N).map((_, i) => Math.sin(i * 1.7) * (1 + (i % 5)));
    const q = quantizeQ4(w, K, N);
    expect(q.packed.length).toBe(N * 2 * 16);
    expect(q.scales.length).toBe(N * 2);
    const back = dequantizeQ4(q);
    for (let k = 0; k < K; k++) {
      for (let n = 0; n < N; n++) {
        const scale = q.scales[n * 2 + Math.floor(k / 32)]!;
        expect(Math.abs(back[k * N + n]! - w[k * N + n]!)).toBeLessThanOrEqual(scale / 2 + 1e-6);
      }
    }
  });
});
