// Reference forward passes of the synthetic LFM2-VL (src/factory/lfm2vl) in float64 with plain loops: the NaFlex
// tower for one tile without padded patches, and the hybrid decoder for one sequence without past.
import { headDim } from '../llava/dims';
import type { Lfm2VlModel } from '../lfm2vl/make-model';
import { isConvLayer, type AttentionNormWeights, type ConvLayerWeights } from '../lfm2vl/decoder-graph';
import { addInPlace, linear, map, rmsNorm, sigmoid, softmaxInPlace } from './math';
import { encoderLayer, type VisionLayerReference } from './vision-forward';

/** Bilinear resize weights along one axis, half-pixel centres, edges clamped: [out][in]. */
function bilinear(inSize: number, outSize: number): number[][] {
  return Array.from({ length: outSize }, (_, o) => {
    const x = Math.min(Math.max((o + 0.5) * (inSize / outSize) - 0.5, 0), inSize - 1);
    const lo = Math.floor(x);
    const hi = Math.min(lo + 1, inSize - 1);
    const row = new Array<number>(inSize).fill(0);
    row[lo]! += 1 - (x - lo);
    row[hi]! += x - lo;
    return row;
  });
}

/**
 * patches [rows·cols, 3·p²] (pixel_values[0] without padding) → every tower layer, tokens = patches. The position
 * grid is upsampled (rows, cols ≥ its side), where antialiasing would change nothing.
 */
export function referenceNaflexTower(
  model: Lfm2VlModel,
  patches: Float32Array,
  grid: { rows: number; cols: number },
): VisionLayerReference[] {
  const { weights, dims, vision } = model;
  const h = dims.base.vision.hidden;
  const side = dims.positionSide;
  if (grid.rows < side || grid.cols < side) throw new Error('the reference upsamples the position grid only');
  const n = grid.rows * grid.cols;
  const x = linear(Float64Array.from(patches.subarray(0, n * vision.patchEmbedding.inDim)), n, vision.patchEmbedding);
  const wy = bilinear(side, grid.rows);
  const wx = bilinear(side, grid.cols);
  const table = weights.vision.positionEmbedding;
  for (let r = 0; r < grid.rows; r++)
    for (let c = 0; c < grid.cols; c++)
      for (let i = 0; i < side; i++)
        for (let j = 0; j < side; j++) {
          const weight = wy[r]![i]! * wx[c]![j]!;
          if (weight === 0) continue;
          // Row 0 of the generator's table is its CLS row, which the tower skips.
          const from = (1 + i * side + j) * h;
          for (let e = 0; e < h; e++) x[(r * grid.cols + c) * h + e]! += weight * table[from + e]!;
        }
  const layers: VisionLayerReference[] = [];
  let hidden: Float64Array = x;
  for (const layer of weights.vision.layers) {
    const result = encoderLayer(weights, hidden, layer);
    layers.push(result);
    hidden = result.output;
  }
  return layers;
}

function convMixer(model: Lfm2VlModel, x: Float64Array, n: number, w: ConvLayerWeights): Float64Array {
  const h = model.dims.base.text.hidden;
  const taps = model.dims.convLCache;
  const bcx = linear(x, n, w.inProj);
  const bx = new Float64Array(n * h);
  for (let t = 0; t < n; t++)
    for (let c = 0; c < h; c++) bx[t * h + c] = bcx[t * 3 * h + c]! * bcx[t * 3 * h + 2 * h + c]!;
  const gated = new Float64Array(n * h);
  for (let t = 0; t < n; t++)
    for (let c = 0; c < h; c++) {
      let acc = 0;
      // Tap k multiplies step t − (taps − 1) + k; steps before the first are zero.
      for (let k = 0; k < taps; k++) {
        const s = t - (taps - 1) + k;
        if (s >= 0) acc += w.conv[c * taps + k]! * bx[s * h + c]!;
      }
      gated[t * h + c] = bcx[t * 3 * h + h + c]! * acc;
    }
  return linear(gated, n, w.outProj);
}

function attentionMixer(
  model: Lfm2VlModel,
  x: Float64Array,
  n: number,
  layer: number,
  norms: AttentionNormWeights,
): { output: Float64Array; attention: Float64Array } {
  const { weights } = model;
  const t = model.dims.base.text;
  const d = headDim(t.hidden, t.heads);
  const w = weights.text.layers[layer]!;
  const rotate = (y: Float64Array) => {
    const out = new Float64Array(y.length);
    for (let p = 0; p < n; p++)
      for (let hd = 0; hd < t.heads; hd++)
        for (let e = 0; e < d; e++) {
          const at = (p * t.heads + hd) * d;
          const rotated = e < d / 2 ? -y[at + e + d / 2]! : y[at + e - d / 2]!;
          out[at + e] = y[at + e]! * weights.text.ropeCos[p * d + e]! + rotated * weights.text.ropeSin[p * d + e]!;
        }
    return out;
  };
  const q = rotate(rmsNorm(linear(x, n, w.q), n * t.heads, norms.q, t.rmsNormEps));
  const k = rotate(rmsNorm(linear(x, n, w.k), n * t.heads, norms.k, t.rmsNormEps));
  const v = linear(x, n, w.v);
  const attention = new Float64Array(t.heads * n * n);
  const context = new Float64Array(n * t.hidden);
  for (let hd = 0; hd < t.heads; hd++)
    for (let i = 0; i < n; i++) {
      const row = (hd * n + i) * n;
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let e = 0; e < d; e++) dot += q[(i * t.heads + hd) * d + e]! * k[(j * t.heads + hd) * d + e]!;
        attention[row + j] = j <= i ? dot / Math.sqrt(d) : -Infinity;
      }
      softmaxInPlace(attention, row, n);
      for (let j = 0; j <= i; j++)
        for (let e = 0; e < d; e++)
          context[i * t.hidden + hd * d + e]! += attention[row + j]! * v[(j * t.heads + hd) * d + e]!;
    }
  return { output: linear(context, n, w.o), attention };
}

/** embeds [n, hidden] at positions 0 … n − 1 → logits [n, vocab] and each attention layer's [heads, n, n]. */
export function referenceLfm2Decoder(
  model: Lfm2VlModel,
  embeds: Float64Array,
): { logits: Float64Array; attention: Float64Array[] } {
  const { weights } = model;
  const t = model.dims.base.text;
  const n = embeds.length / t.hidden;
  let x: Float64Array = Float64Array.from(embeds);
  const attention: Float64Array[] = [];
  model.decoder.layers.forEach((extras, l) => {
    const w = weights.text.layers[l]!;
    const normed = rmsNorm(x, n, w.inputNorm, t.rmsNormEps);
    let mixed: Float64Array;
    if (isConvLayer(extras)) {
      mixed = convMixer(model, normed, n, extras);
    } else {
      const result = attentionMixer(model, normed, n, l, extras);
      attention.push(result.attention);
      mixed = result.output;
    }
    const residual = addInPlace(mixed, x);
    const normed2 = rmsNorm(residual, n, w.postAttentionNorm, t.rmsNormEps);
    const gate = map(linear(normed2, n, w.gate), (z) => z * sigmoid(z));
    const up = linear(normed2, n, w.up);
    for (let i = 0; i < gate.length; i++) gate[i]! *= up[i]!;
    x = addInPlace(linear(gate, n, w.down), residual);
  });
  return { logits: linear(rmsNorm(x, n, weights.text.norm, t.rmsNormEps), n, weights.text.lmHead), attention };
}
