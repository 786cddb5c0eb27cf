// 4-bit block quantisation in the layout of com.microsoft MatMulNBits (bits 4, symmetric, no zero_points
// input, so the implied zero point is 8), which is what the Hub's `_q4` files contain.
// B is stored per output column n: [N, blocks, blockSize / 2] bytes, element k of a block in the low nibble
// when k is even and the high nibble when odd; scales are [N * blocks].

export const Q4_BLOCK = 32;

export interface Q4Matrix {
  packed: Uint8Array;
  scales: Float32Array;
  K: number;
  N: number;
}

export const q4Blocks = (K: number): number => Math.ceil(K / Q4_BLOCK);

/** Quantises a MatMul weight given as [K, N] row-major. */
export function quantizeQ4(weight: Float32Array, K: number, N: number): Q4Matrix {
  const blocks = q4Blocks(K);
  const half = Q4_BLOCK / 2;
  const packed = new Uint8Array(N * blocks * half);
  const scales = new Float32Array(N * blocks);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      const k0 = b * Q4_BLOCK;
      const k1 = Math.min(K, k0 + Q4_BLOCK);
      let absMax = 0;
      for (let k = k0; k < k1; k++) absMax = Math.max(absMax, Math.abs(weight[k * N + n]!));
      const scale = Math.fround(absMax / 7);
      scales[n * blocks + b] = scale;
      for (let k = k0; k < k1; k++) {
        const q = scale === 0 ? 8 : Math.max(0, Math.min(15, Math.round(weight[k * N + n]! / scale) + 8));
        const byte = (n * blocks + b) * half + ((k - k0) >> 1);
        packed[byte]! |= (k - k0) % 2 === 0 ? q : q << 4;
      }
      // Padding past K (only when K is not a block multiple) must decode to zero.
      for (let k = k1; k < k0 + Q4_BLOCK; k++)
        packed[(n * blocks + b) * half + ((k - k0) >> 1)]! |= (k - k0) % 2 === 0 ? 8 : 8 << 4;
    }
  }
  return { packed, scales, K, N };
}

/** The [K, N] weight the quantised matrix stands for (what MatMulNBits multiplies by). */
export function dequantizeQ4(m: Q4Matrix): Float32Array {
  const { K, N } = m;
  const blocks = q4Blocks(K);
  const half = Q4_BLOCK / 2;
  const out = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const b = Math.floor(k / Q4_BLOCK);
      const byte = m.packed[(n * blocks + b) * half + ((k % Q4_BLOCK) >> 1)]!;
      const q = k % 2 === 0 ? byte & 0x0f : byte >> 4;
      out[k * N + n] = (q - 8) * m.scales[n * blocks + b]!;
    }
  }
  return out;
}
