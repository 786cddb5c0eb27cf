// Reference forward pass of vision_encoder.onnx for one image, in float64 with plain loops.
import { headDim, patchCount, patchesPerSide, usedVisionLayers } from '../llava/dims';
import type { LlavaWeights, VisionLayerWeights } from '../llava/weights';
import { addInPlace, erf, layerNorm, linear, map, sigmoid, softmaxInPlace } from './math';

export interface VisionLayerReference {
  /** Raw q_proj output, bias included, before the 1/√d scaling: [tokens, hidden]; token 0 is CLS. */
  qProj: Float64Array;
  /** Raw k_proj output: [tokens, hidden]. */
  kProj: Float64Array;
  /** Attention probabilities [heads, tokens, tokens]. */
  attention: Float64Array;
  /** The layer's output hidden states [tokens, hidden] (hidden_states[l + 1]). */
  output: Float64Array;
}

export interface VisionReference {
  /** Patches + CLS. */
  tokens: number;
  /** One entry per layer the graph runs (0 .. L-2). */
  layers: VisionLayerReference[];
  /** [patches, text hidden]: layer L-2 output without CLS, through the projector. */
  imageFeatures: Float64Array;
}

function patchTokens(w: LlavaWeights, pixels: Float32Array): Float64Array {
  const v = w.dims.vision;
  const { hidden: h, patchSize: p, imageSize: s } = v;
  const side = patchesPerSide(v);
  const tokens = new Float64Array((patchCount(v) + 1) * h);
  for (let i = 0; i < h; i++) tokens[i] = w.vision.classEmbedding[i]!;
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      const t = 1 + py * side + px;
      for (let c = 0; c < h; c++) {
        let acc = 0;
        for (let ch = 0; ch < 3; ch++) {
          for (let i = 0; i < p; i++) {
            for (let j = 0; j < p; j++)
              acc +=
                w.vision.patchEmbedding[((c * 3 + ch) * p + i) * p + j]! *
                pixels[(ch * s + py * p + i) * s + px * p + j]!;
          }
        }
        tokens[t * h + c] = acc;
      }
    }
  }
  return addInPlace(tokens, Float64Array.from(w.vision.positionEmbedding));
}

/** One encoder layer over all tokens (no mask). */
export function encoderLayer(w: LlavaWeights, x: Float64Array, layer: VisionLayerWeights): VisionLayerReference {
  const v = w.dims.vision;
  const n = x.length / v.hidden;
  const d = headDim(v.hidden, v.heads);
  const normed = layerNorm(x, n, layer.layerNorm1, v.layerNormEps);
  const qProj = linear(normed, n, layer.q);
  const kProj = linear(normed, n, layer.k);
  const vProj = linear(normed, n, layer.v);
  const attention = new Float64Array(v.heads * n * n);
  const context = new Float64Array(n * v.hidden);
  const scale = 1 / Math.sqrt(d);
  for (let hd = 0; hd < v.heads; hd++) {
    for (let i = 0; i < n; i++) {
      const row = (hd * n + i) * n;
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let e = 0; e < d; e++)
          dot += qProj[i * v.hidden + hd * d + e]! * scale * kProj[j * v.hidden + hd * d + e]!;
        attention[row + j] = dot;
      }
      softmaxInPlace(attention, row, n);
      for (let j = 0; j < n; j++) {
        const a = attention[row + j]!;
        for (let e = 0; e < d; e++) context[i * v.hidden + hd * d + e]! += a * vProj[j * v.hidden + hd * d + e]!;
      }
    }
  }
  const residual = addInPlace(linear(context, n, layer.out), x);
  const hiddenMlp = map(
    linear(layerNorm(residual, n, layer.layerNorm2, v.layerNormEps), n, layer.fc1),
    (z) => z * sigmoid(1.702 * z),
  );
  const output = addInPlace(linear(hiddenMlp, n, layer.fc2), residual);
  return { qProj, kProj, attention, output };
}

/** pixels: one preprocessed image [3, S, S] (CHW, normalised), as pixel_values[b]. */
export function referenceVision(w: LlavaWeights, pixels: Float32Array): VisionReference {
  const v = w.dims.vision;
  const n = patchCount(v) + 1;
  let x = layerNorm(patchTokens(w, pixels), n, w.vision.preLayerNorm, v.layerNormEps);
  const layers: VisionLayerReference[] = [];
  for (let l = 0; l < usedVisionLayers(v); l++) {
    const result = encoderLayer(w, x, w.vision.layers[l]!);
    layers.push(result);
    x = result.output;
  }
  const patches = x.slice(v.hidden);
  const projected = map(linear(patches, n - 1, w.vision.projector1), (z) => 0.5 * z * (1 + erf(z / Math.SQRT2)));
  return { tokens: n, layers, imageFeatures: linear(projected, n - 1, w.vision.projector2) };
}

/**
 * The SigLIP-like tower of src/factory/siglip/tower.ts for one image: the same patch embedding and layers, without
 * the CLS token and without the pre-LayerNorm. One entry per layer, tokens = patches.
 */
export function referenceSiglipVision(w: LlavaWeights, pixels: Float32Array): VisionLayerReference[] {
  let x: Float64Array = patchTokens(w, pixels).slice(w.dims.vision.hidden);
  const layers: VisionLayerReference[] = [];
  for (const layer of w.vision.layers) {
    const result = encoderLayer(w, x, layer);
    layers.push(result);
    x = result.output;
  }
  return layers;
}
