// Plain-loop float64 building blocks of the reference forward pass. Matrices are row-major.
import type { LayerNormWeights, Linear } from '../llava/weights';

/** x [rows, lin.inDim] · W + b → [rows, lin.outDim]. */
export function linear(x: Float64Array, rows: number, lin: Linear): Float64Array {
  const { inDim, outDim, weight, bias } = lin;
  const out = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    const o = r * outDim;
    if (bias) for (let c = 0; c < outDim; c++) out[o + c] = bias[c]!;
    for (let k = 0; k < inDim; k++) {
      const xv = x[r * inDim + k]!;
      const w = k * outDim;
      for (let c = 0; c < outDim; c++) out[o + c]! += xv * weight[w + c]!;
    }
  }
  return out;
}

export function layerNorm(x: Float64Array, rows: number, w: LayerNormWeights, eps: number): Float64Array {
  const dim = w.gamma.length;
  const out = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let i = 0; i < dim; i++) mean += x[r * dim + i]!;
    mean /= dim;
    let variance = 0;
    for (let i = 0; i < dim; i++) variance += (x[r * dim + i]! - mean) ** 2;
    const inv = 1 / Math.sqrt(variance / dim + eps);
    for (let i = 0; i < dim; i++) out[r * dim + i] = (x[r * dim + i]! - mean) * inv * w.gamma[i]! + w.beta[i]!;
  }
  return out;
}

export function rmsNorm(x: Float64Array, rows: number, weight: Float32Array, eps: number): Float64Array {
  const dim = weight.length;
  const out = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    let sumSq = 0;
    for (let i = 0; i < dim; i++) sumSq += x[r * dim + i]! ** 2;
    const rms = Math.sqrt(sumSq / dim + eps);
    for (let i = 0; i < dim; i++) out[r * dim + i] = weight[i]! * (x[r * dim + i]! / rms);
  }
  return out;
}

/** In-place softmax of row[offset .. offset+length). */
export function softmaxInPlace(row: Float64Array, offset: number, length: number): void {
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, row[offset + i]!);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += row[offset + i] = Math.exp(row[offset + i]! - max);
  for (let i = 0; i < length; i++) row[offset + i]! /= sum;
}

export const addInPlace = (a: Float64Array, b: Float64Array): Float64Array => {
  for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
  return a;
};

export const map = (x: Float64Array, f: (v: number) => number): Float64Array => x.map(f);

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** erf to ~1e-15: Maclaurin series near 0, the erfc continued fraction in the tails. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = a;
    let sum = a;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  let k = a;
  for (let n = 60; n >= 1; n--) k = a + n / 2 / k;
  return Math.sign(x) * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / k);
}
