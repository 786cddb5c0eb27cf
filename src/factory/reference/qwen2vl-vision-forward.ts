// Reference forward pass of the synthetic Qwen2-VL's vision_encoder.onnx (src/factory/qwen2vl/vision-graph.ts) for
// one image, in float64 with plain loops: patch (row, column) in merge order worked out patch by patch, rotary angles
// computed exactly, then the blocks and the merger.
import { headDim } from '../llava/dims';
import type { LlavaWeights, VisionLayerWeights } from '../llava/weights';
import { patchValues, type Qwen2VLDims } from '../qwen2vl/dims';
import { followsRow, visionRotaryAngle, type Qwen2VLVisionWeights } from '../qwen2vl/vision-graph';
import { addInPlace, erf, layerNorm, linear, map, sigmoid, softmaxInPlace } from './math';

export interface Qwen2VLVisionReference {
  /** Per block: attention probabilities [heads, patches, patches], rows and columns in `patchOrder`. */
  readonly attention: Float64Array[];
  /** The merge-order index of each patch as the blocks see them (window order for Qwen2.5-VL, else 0, 1, …). */
  readonly patchOrder: readonly number[];
  /** The last block's output hidden states [patches, hidden] (rows in `patchOrder`), which the merger reads. */
  readonly lastHidden: Float64Array;
  /** [patches / merge², text hidden] */
  readonly imageFeatures: Float64Array;
}

/** (row, column) on the patch grid of the n-th patch in merge order: block by block, each block row by row. */
export function mergeOrderPosition(n: number, cols: number, merge: number): { row: number; col: number } {
  const block = Math.floor(n / (merge * merge));
  const within = n % (merge * merge);
  const blockCols = cols / merge;
  return {
    row: Math.floor(block / blockCols) * merge + Math.floor(within / merge),
    col: (block % blockCols) * merge + (within % merge),
  };
}

/**
 * Qwen2.5-VL's windows, worked out token by token: windows of `ws` × `ws` tokens, row of windows by row of windows,
 * each read row by row (a window cut by the grid's edge keeps what is inside). Each token's window, in that order.
 */
export function windowTokens(grid: { rows: number; cols: number }, ws: number): { token: number; window: number }[] {
  const out: { token: number; window: number }[] = [];
  const across = Math.ceil(grid.cols / ws);
  for (let wr = 0; wr * ws < grid.rows; wr++)
    for (let wc = 0; wc < across; wc++)
      for (let r = wr * ws; r < Math.min((wr + 1) * ws, grid.rows); r++)
        for (let c = wc * ws; c < Math.min((wc + 1) * ws, grid.cols); c++)
          out.push({ token: r * grid.cols + c, window: wr * across + wc });
  return out;
}

function block(
  w: LlavaWeights,
  d: Qwen2VLDims,
  x: Float64Array,
  layer: VisionLayerWeights,
  at: { row: number; col: number }[],
  windowOf: readonly number[] | undefined,
) {
  const v = w.dims.vision;
  const n = at.length;
  const hd = headDim(v.hidden, v.heads);
  const normed = layerNorm(x, n, layer.layerNorm1, v.layerNormEps);
  const rotate = (y: Float64Array) => {
    const out = new Float64Array(y.length);
    for (let i = 0; i < n; i++)
      for (let h = 0; h < v.heads; h++)
        for (let e = 0; e < hd; e++) {
          const o = i * v.hidden + h * hd;
          const angle = visionRotaryAngle(followsRow(e, hd) ? at[i]!.row : at[i]!.col, e, hd, d.visionTheta);
          const rotated = e < hd / 2 ? -y[o + e + hd / 2]! : y[o + e - hd / 2]!;
          out[o + e] = y[o + e]! * Math.cos(angle) + rotated * Math.sin(angle);
        }
    return out;
  };
  const q = rotate(linear(normed, n, layer.q));
  const k = rotate(linear(normed, n, layer.k));
  const val = linear(normed, n, layer.v);
  const attention = new Float64Array(v.heads * n * n);
  const context = new Float64Array(n * v.hidden);
  for (let h = 0; h < v.heads; h++)
    for (let i = 0; i < n; i++) {
      const row = (h * n + i) * n;
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let e = 0; e < hd; e++) dot += q[i * v.hidden + h * hd + e]! * k[j * v.hidden + h * hd + e]!;
        attention[row + j] = !windowOf || windowOf[i] === windowOf[j] ? dot / Math.sqrt(hd) : -Infinity;
      }
      softmaxInPlace(attention, row, n);
      for (let j = 0; j < n; j++)
        for (let e = 0; e < hd; e++)
          context[i * v.hidden + h * hd + e]! += attention[row + j]! * val[j * v.hidden + h * hd + e]!;
    }
  const residual = addInPlace(linear(context, n, layer.out), x);
  const mlp = map(
    linear(layerNorm(residual, n, layer.layerNorm2, v.layerNormEps), n, layer.fc1),
    (z) => z * sigmoid(1.702 * z),
  );
  return { output: addInPlace(linear(mlp, n, layer.fc2), residual), attention };
}

/** pixels: the processor's pixel_values [patches, patchValues] for a grid of `rows` × `cols` patches. */
export function referenceQwen2VLVision(
  w: LlavaWeights,
  tower: Qwen2VLVisionWeights,
  d: Qwen2VLDims,
  pixels: Float32Array,
  grid: { rows: number; cols: number },
): Qwen2VLVisionReference {
  const n = pixels.length / patchValues(d);
  const group = d.mergeSize ** 2;
  const tokens = n / group;
  const tokenGrid = { rows: grid.rows / d.mergeSize, cols: grid.cols / d.mergeSize };
  const windows = d.windows && windowTokens(tokenGrid, d.windows.tokens);
  // Each token's merge² patches stay together; the windowed tower takes the tokens in window order.
  const patchOrder = Array.from({ length: n }, (_, i) =>
    windows ? windows[Math.floor(i / group)]!.token * group + (i % group) : i,
  );
  const windowOf = windows && patchOrder.map((_, i) => windows[Math.floor(i / group)]!.window);
  const at = patchOrder.map((p) => mergeOrderPosition(p, grid.cols, d.mergeSize));
  const embedded = linear(Float64Array.from(pixels), n, tower.patchEmbed);
  const h = w.dims.vision.hidden;
  let x: Float64Array = new Float64Array(n * h);
  patchOrder.forEach((p, i) => x.set(embedded.subarray(p * h, (p + 1) * h), i * h));
  const attention: Float64Array[] = [];
  w.vision.layers.forEach((layer, l) => {
    const full = !d.windows || d.windows.fullBlocks.includes(l);
    const result = block(w, d, x, layer, at, full ? undefined : windowOf);
    attention.push(result.attention);
    x = result.output;
  });
  // Each run of merge² patches, LayerNormed, side by side is one token's input.
  const joined = layerNorm(x, n, tower.lnQ, 1e-6);
  const hidden = map(linear(joined, tokens, tower.mlp0), (z) => 0.5 * z * (1 + erf(z / Math.SQRT2)));
  const ordered = linear(hidden, tokens, tower.mlp2);
  const out = d.base.text.hidden;
  const imageFeatures = new Float64Array(ordered.length);
  for (let i = 0; i < tokens; i++) {
    const token = windows ? windows[i]!.token : i;
    imageFeatures.set(ordered.subarray(i * out, (i + 1) * out), token * out);
  }
  return { attention, patchOrder, lastHidden: x, imageFeatures };
}
