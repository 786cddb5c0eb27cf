// Reference forward pass of the synthetic Moondream's embed_tokens.onnx and Phi decoder_model_merged.onnx, in
// float64 with plain loops, for one or more rows without past: one LayerNorm feeding attention and MLP side by side,
// rotary on the first rotaryDim channels of each head, gelu_new, final LayerNorm and a biased lm_head.
import { MASK_MIN } from '../llava/decoder-graph';
import { headDimOf, rotaryDimOf } from '../moondream/dims';
import type { PhiWeights } from '../moondream/phi-weights';
import { addInPlace, layerNorm, linear, map, softmaxInPlace } from './math';

export interface PhiReferenceInput {
  /** [batch, seq, hidden] */
  embeds: Float32Array | Float64Array;
  batch: number;
  /** [batch][seq], 1 = attend, 0 = padding. */
  attentionMask: number[][];
  /** [batch][seq] */
  positionIds: number[][];
}

export interface PhiReference {
  /** [batch, seq, vocab] */
  logits: Float64Array;
  /** Per layer: attention probabilities [batch, heads, seq, seq]. */
  attention: Float64Array[];
}

/** inputs_embeds for input_ids [batch][seq]; a negative id counts from the end of the table, as ONNX Gather does. */
export function referencePhiEmbed(w: PhiWeights, ids: number[][]): Float64Array {
  const { hidden: h, vocabSize } = w.dims;
  const out = new Float64Array(ids.length * (ids[0]?.length ?? 0) * h);
  ids.flat().forEach((id, r) => {
    const row = id < 0 ? id + vocabSize : id;
    for (let i = 0; i < h; i++) out[r * h + i] = w.embedTokens[row * h + i]!;
  });
  return out;
}

const geluNew = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

export function referencePhiDecoder(w: PhiWeights, input: PhiReferenceInput): PhiReference {
  const t = w.dims;
  const d = headDimOf(t);
  const rot = rotaryDimOf(t);
  const half = rot / 2;
  const { batch } = input;
  const seq = input.positionIds[0]!.length;
  const rows = batch * seq;
  /** [rows, hidden] → [batch, heads, seq, d], the first rot channels of each head turned at the row's position. */
  const toHeads = (x: Float64Array, rotate: boolean) => {
    const out = new Float64Array(batch * t.heads * seq * d);
    for (let b = 0; b < batch; b++)
      for (let s = 0; s < seq; s++) {
        const pos = input.positionIds[b]![s]!;
        for (let hd = 0; hd < t.heads; hd++) {
          const src = (b * seq + s) * t.hidden + hd * d;
          const dst = ((b * t.heads + hd) * seq + s) * d;
          for (let e = 0; e < d; e++) {
            if (!rotate || e >= rot) {
              out[dst + e] = x[src + e]!;
              continue;
            }
            const turned = e < half ? -x[src + e + half]! : x[src + e - half]!;
            out[dst + e] = x[src + e]! * w.ropeCos[pos * rot + e]! + turned * w.ropeSin[pos * rot + e]!;
          }
        }
      }
    return out;
  };
  let x: Float64Array = Float64Array.from(input.embeds);
  const attention: Float64Array[] = [];
  for (const layer of w.layers) {
    const normed = layerNorm(x, rows, layer.inputLayerNorm, t.layerNormEps);
    const q = toHeads(linear(normed, rows, layer.q), true);
    const k = toHeads(linear(normed, rows, layer.k), true);
    const v = toHeads(linear(normed, rows, layer.v), false);
    const probs = new Float64Array(batch * t.heads * seq * seq);
    const context = new Float64Array(rows * t.hidden);
    for (let b = 0; b < batch; b++)
      for (let hd = 0; hd < t.heads; hd++) {
        const bh = b * t.heads + hd;
        for (let i = 0; i < seq; i++) {
          const row = (bh * seq + i) * seq;
          for (let j = 0; j < seq; j++) {
            let dot = 0;
            for (let e = 0; e < d; e++) dot += q[(bh * seq + i) * d + e]! * k[(bh * seq + j) * d + e]!;
            const score = dot / Math.sqrt(d);
            const allowed = j <= i && input.attentionMask[b]![j] === 1;
            probs[row + j] = allowed ? score : Math.fround(score + MASK_MIN);
          }
          softmaxInPlace(probs, row, seq);
          for (let j = 0; j < seq; j++)
            for (let e = 0; e < d; e++)
              context[(b * seq + i) * t.hidden + hd * d + e]! += probs[row + j]! * v[(bh * seq + j) * d + e]!;
        }
      }
    attention.push(probs);
    const mlp = linear(map(linear(normed, rows, layer.fc1), geluNew), rows, layer.fc2);
    x = addInPlace(addInPlace(linear(context, rows, layer.dense), mlp), x);
  }
  return { logits: linear(layerNorm(x, rows, w.finalLayerNorm, t.layerNormEps), rows, w.lmHead), attention };
}
