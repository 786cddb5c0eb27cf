// Reference forward pass of the synthetic Qwen2-VL's vision_encoder.onnx (src/factory/qwen2vl/vision-graph.ts) for
// one image, in float64 with plain loops: patch (row, column) in merge order worked out patch by patch, rotary angles
// computed exactly, then the blocks and the merger.
import { headDim } from '../llava/dims';
import type { LlavaWeights, VisionLayerWeights } from '../llava/weights';
import { patchValues, type Qwen2VLDims } from '../qwen2vl/dims';
import { followsRow, visionRotaryAngle, type Qwen2VLVisionWeights } from '../qwen2vl/vision-graph';
import { addInPlace, erf, layerNorm, linear, map, sigmoid, softmaxInPlace } from './math';

export interface Qwen2VLVisionReference {
  /** Per block: attention probabilities [heads, patches, patches]. */
  readonly attention: Float64Array[];
  /** The last block's output hidden states [patches, hidden], which the merger reads. */
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

function block(
  w: LlavaWeights,
  d: Qwen2VLDims,
  x: Float64Array,
  layer: VisionLayerWeights,
  at: { row: number; col: number }[],
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
        attention[row + j] = dot / Math.sqrt(hd);
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
  const at = Array.from({ length: n }, (_, i) => mergeOrderPosition(i, grid.cols, d.mergeSize));
  let x = linear(Float64Array.from(pixels), n, tower.patchEmbed);
  const attention: Float64Array[] = [];
  for (const layer of w.vision.layers) {
    const result = block(w, d, x, layer, at);
    attention.push(result.attention);
    x = result.output;
  }
  const tokens = n / d.mergeSize ** 2;
  // Each run of merge² patches, LayerNormed, side by side is one token's input.
  const joined = layerNorm(x, n, tower.lnQ, 1e-6);
  const hidden = map(linear(joined, tokens, tower.mlp0), (z) => 0.5 * z * (1 + erf(z / Math.SQRT2)));
  return { attention, lastHidden: x, imageFeatures: linear(hidden, tokens, tower.mlp2) };
}
