// Reference forward pass of embed_tokens.onnx and decoder_model_merged.onnx, in float64 with plain loops,
// for any batch, left padding and past.
import { MASK_MIN, mropeAxes, type Softcap } from '../llava/decoder-graph';
import { headDim } from '../llava/dims';
import type { LlavaWeights, TextLayerWeights } from '../llava/weights';
import { addInPlace, linear, map, rmsNorm, sigmoid, softmaxInPlace } from './math';

export interface KeyValue {
  /** [batch, heads, length, headDim]; keys after rotary, as present.{i}.key holds them. */
  key: Float64Array;
  value: Float64Array;
}

export interface DecoderReferenceInput {
  /** [batch, seq, hidden] */
  embeds: Float32Array | Float64Array;
  batch: number;
  /** [batch][total = past + seq], 1 = attend, 0 = padding. */
  attentionMask: number[][];
  /** [batch][seq]; with M-RoPE, the height axis's (any axis gives the sequence length). */
  positionIds: number[][];
  /** M-RoPE: positions [3][batch][seq] (time, height, width) and the frequency pairs per axis. */
  mrope?: { positions: number[][][]; section: readonly number[] };
  /** One entry per layer; omitted = empty past. */
  past?: KeyValue[];
  /** Every query attends to every unmasked key of the call (the 'whole-call' decoder mask), not only earlier ones. */
  wholeCall?: boolean;
  /** Gemma 2's soft-capping of the attention scores and the logits, as buildDecoderGraph's `softcap`. */
  softcap?: Softcap;
}

export interface DecoderReference {
  /** [batch, seq, vocab] */
  logits: Float64Array;
  /** Per layer: attention probabilities [batch, heads, seq, total]. */
  attention: Float64Array[];
  /** Per layer: the grown cache, [batch, heads, total, headDim]. */
  present: KeyValue[];
}

/** inputs_embeds for input_ids [batch][seq]: rows of the embedding table. */
export function referenceEmbed(w: LlavaWeights, ids: number[][]): Float64Array {
  const h = w.dims.text.hidden;
  const out = new Float64Array(ids.length * (ids[0]?.length ?? 0) * h);
  ids.flat().forEach((id, r) => {
    for (let i = 0; i < h; i++) out[r * h + i] = w.text.embedTokens[id * h + i]!;
  });
  return out;
}

interface Shape {
  batch: number;
  seq: number;
  past: number;
  total: number;
  heads: number;
  d: number;
  hidden: number;
}

/** [batch*seq, hidden] → [batch, heads, seq, d], rotated when tables are given. */
function toHeads(
  x: Float64Array,
  s: Shape,
  input: DecoderReferenceInput,
  w: LlavaWeights,
  rotate: boolean,
): Float64Array {
  const { batch, seq, heads, d, hidden } = s;
  const half = d / 2;
  const axes = input.mrope && mropeAxes(input.mrope.section, d);
  const positionOf = (b: number, t: number, e: number) =>
    axes ? input.mrope!.positions[axes[e]!]![b]![t]! : input.positionIds[b]![t]!;
  const out = new Float64Array(batch * heads * seq * d);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < seq; t++) {
      for (let hd = 0; hd < heads; hd++) {
        const src = (b * seq + t) * hidden + hd * d;
        const dst = ((b * heads + hd) * seq + t) * d;
        for (let e = 0; e < d; e++) {
          if (!rotate) {
            out[dst + e] = x[src + e]!;
            continue;
          }
          const rotated = e < half ? -x[src + e + half]! : x[src + e - half]!;
          const pos = positionOf(b, t, e);
          out[dst + e] = x[src + e]! * w.text.ropeCos[pos * d + e]! + rotated * w.text.ropeSin[pos * d + e]!;
        }
      }
    }
  }
  return out;
}

/** Concatenates past [batch, heads, past, d] and new [batch, heads, seq, d] along the sequence. */
function grow(past: Float64Array | undefined, fresh: Float64Array, s: Shape): Float64Array {
  const out = new Float64Array(s.batch * s.heads * s.total * s.d);
  for (let bh = 0; bh < s.batch * s.heads; bh++) {
    if (past) out.set(past.subarray(bh * s.past * s.d, (bh + 1) * s.past * s.d), bh * s.total * s.d);
    out.set(fresh.subarray(bh * s.seq * s.d, (bh + 1) * s.seq * s.d), (bh * s.total + s.past) * s.d);
  }
  return out;
}

function decoderLayer(
  w: LlavaWeights,
  x: Float64Array,
  layer: TextLayerWeights,
  s: Shape,
  input: DecoderReferenceInput,
  past: KeyValue | undefined,
) {
  const t = w.dims.text;
  const rows = s.batch * s.seq;
  const normed = rmsNorm(x, rows, layer.inputNorm, t.rmsNormEps);
  const q = toHeads(linear(normed, rows, layer.q), s, input, w, true);
  const key = grow(past?.key, toHeads(linear(normed, rows, layer.k), s, input, w, true), s);
  const value = grow(past?.value, toHeads(linear(normed, rows, layer.v), s, input, w, false), s);
  const attention = new Float64Array(s.batch * s.heads * s.seq * s.total);
  const context = new Float64Array(rows * s.hidden);
  const scale = 1 / Math.sqrt(s.d);
  for (let b = 0; b < s.batch; b++) {
    for (let hd = 0; hd < s.heads; hd++) {
      const bh = b * s.heads + hd;
      for (let i = 0; i < s.seq; i++) {
        const row = (bh * s.seq + i) * s.total;
        for (let j = 0; j < s.total; j++) {
          let dot = 0;
          for (let e = 0; e < s.d; e++) dot += q[(bh * s.seq + i) * s.d + e]! * key[(bh * s.total + j) * s.d + e]!;
          const cap = input.softcap?.attention;
          const score = cap ? cap * Math.tanh((dot * scale) / cap) : dot * scale;
          const allowed = (input.wholeCall || j <= s.past + i) && input.attentionMask[b]![j] === 1;
          // The graph adds MASK_MIN in float32, where it swallows the score: a fully masked row is uniform.
          attention[row + j] = allowed ? score : Math.fround(score + MASK_MIN);
        }
        softmaxInPlace(attention, row, s.total);
        for (let j = 0; j < s.total; j++) {
          const a = attention[row + j]!;
          for (let e = 0; e < s.d; e++)
            context[(b * s.seq + i) * s.hidden + hd * s.d + e]! += a * value[(bh * s.total + j) * s.d + e]!;
        }
      }
    }
  }
  const residual = addInPlace(linear(context, rows, layer.o), x);
  const normed2 = rmsNorm(residual, rows, layer.postAttentionNorm, t.rmsNormEps);
  const gate = map(linear(normed2, rows, layer.gate), (z) => z * sigmoid(z));
  const up = linear(normed2, rows, layer.up);
  for (let i = 0; i < gate.length; i++) gate[i]! *= up[i]!;
  return { output: addInPlace(linear(gate, rows, layer.down), residual), attention, present: { key, value } };
}

export function referenceDecoder(w: LlavaWeights, input: DecoderReferenceInput): DecoderReference {
  const t = w.dims.text;
  const seq = input.positionIds[0]!.length;
  const total = input.attentionMask[0]!.length;
  const s: Shape = {
    batch: input.batch,
    seq,
    past: total - seq,
    total,
    heads: t.heads,
    d: headDim(t.hidden, t.heads),
    hidden: t.hidden,
  };
  let x: Float64Array = Float64Array.from(input.embeds);
  const attention: Float64Array[] = [];
  const present: KeyValue[] = [];
  w.text.layers.forEach((layer, l) => {
    const result = decoderLayer(w, x, layer, s, input, input.past?.[l]);
    x = result.output;
    attention.push(result.attention);
    present.push(result.present);
  });
  const logits = linear(rmsNorm(x, input.batch * seq, w.text.norm, t.rmsNormEps), input.batch * seq, w.text.lmHead);
  const cap = input.softcap?.final;
  return { logits: cap ? map(logits, (z) => cap * Math.tanh(z / cap)) : logits, attention, present };
}
