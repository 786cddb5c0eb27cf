// onnx/decoder_model_merged.onnx as onnxruntime-genai's builder writes it (src/engine/browser-stack.md §3): each
// layer's attention is one com.microsoft GroupQueryAttention node with rotary inside (cos/sin caches as initializers),
// grouped KV heads, seqlens_k = ReduceSum(attention_mask) − 1 and total_sequence_length from the mask's shape, and NO
// position_ids input and no 4-D mask: a row's keys are a prefix, so left padding cannot be masked. Inputs:
// inputs_embeds, attention_mask, past_key_values.{i}.key/value [batch_size, kvHeads, past, headDim]. Outputs: logits,
// present.{i}.key/value (keys stored rotated). With `qkOutput`, each GQA node also returns its softmax probabilities
// (attribute qk_output = 2) as graph output `attn_probs.{i}` [batch, heads, seq, total] — the op's own attention, the
// oracle for rows recomputed from the query and the present keys.
import { GraphBuilder, type Attr } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { headDim } from '../llava/dims';
import { feedForward, rmsNorm } from '../llava/decoder-graph';
import { emitLinear, type WeightFormat } from '../llava/linear-node';
import type { Linear, LlavaWeights } from '../llava/weights';

const MODEL = '/model';
const W = 'model';

export interface GqaOptions {
  readonly kvHeads: number;
  readonly qkOutput: boolean;
  /** Per layer: local_window_size (sliding window), or −1 / absent for global attention. */
  readonly windows?: readonly number[];
  /** GQA softcap on every layer; absent for none. */
  readonly softcap?: number;
}

/** The first kvHeads·headDim output columns of a [in, out] projection: the KV heads a GQA model keeps. */
function keepColumns(lin: Linear, columns: number): Linear {
  const weight = new Float32Array(lin.inDim * columns);
  for (let r = 0; r < lin.inDim; r++)
    weight.set(lin.weight.subarray(r * lin.outDim, r * lin.outDim + columns), r * columns);
  return { weight, bias: lin.bias?.slice(0, columns) ?? null, inDim: lin.inDim, outDim: columns };
}

/** [maxPositions, headDim/2] halves of the generator's duplicated [maxPositions, headDim] tables. */
function halfTable(table: Float32Array, positions: number, dim: number): Float32Array {
  const out = new Float32Array(positions * (dim / 2));
  for (let p = 0; p < positions; p++) out.set(table.subarray(p * dim, p * dim + dim / 2), p * (dim / 2));
  return out;
}

export function buildGqaDecoderGraph(weights: LlavaWeights, format: WeightFormat, options: GqaOptions): Uint8Array {
  const t = weights.dims.text;
  const d = headDim(t.hidden, t.heads);
  const kv = options.kvHeads;
  const g = new GraphBuilder('main_graph');
  const embeds = g.input('inputs_embeds', DataType.FLOAT, ['batch_size', 'sequence_length', t.hidden]);
  const mask = g.input('attention_mask', DataType.INT64, ['batch_size', 'total_sequence_length']);
  for (let l = 0; l < t.layers; l++) {
    g.input(`past_key_values.${l}.key`, DataType.FLOAT, ['batch_size', kv, 'past_sequence_length', d]);
    g.input(`past_key_values.${l}.value`, DataType.FLOAT, ['batch_size', kv, 'past_sequence_length', d]);
  }
  const m = `${MODEL}/attn_mask_reformat`;
  const int32 = (x: string) => g.op(m, 'Cast', [x], { to: { i: 6 } });
  const seqlens = int32(
    g.op(m, 'Sub', [g.op(m, 'ReduceSum', [mask, g.constI64([1])], { keepdims: { i: 0 } }), g.constI64([1], [])]),
  );
  const total = int32(g.op(m, 'Gather', [g.op(m, 'Shape', [mask]), g.constI64([1], [])]));
  const cos = g.initializer('cos_cache', halfTable(weights.text.ropeCos, t.maxPositions, d), [t.maxPositions, d / 2]);
  const sin = g.initializer('sin_cache', halfTable(weights.text.ropeSin, t.maxPositions, d), [t.maxPositions, d / 2]);

  let x = embeds;
  for (let l = 0; l < t.layers; l++) {
    const w = weights.text.layers[l]!;
    const scope = `${MODEL}/layers.${l}`;
    const attn = `${scope}/attn`;
    const name = `${W}.layers.${l}`;
    const normed = rmsNorm(g, `${scope}/input_layernorm`, x, w.inputNorm, `${name}.input_layernorm`, t.rmsNormEps);
    const q = emitLinear(g, `${attn}/q_proj`, normed, w.q, `${name}.attn.q_proj`, format);
    const k = emitLinear(g, `${attn}/k_proj`, normed, keepColumns(w.k, kv * d), `${name}.attn.k_proj`, format);
    const v = emitLinear(g, `${attn}/v_proj`, normed, keepColumns(w.v, kv * d), `${name}.attn.v_proj`, format);
    const outputs = [`${attn}/GroupQueryAttention_output_0`, `present.${l}.key`, `present.${l}.value`];
    if (options.qkOutput) outputs.push(`attn_probs.${l}`);
    const qkAttr: Record<string, Attr> = options.qkOutput ? { qk_output: { i: 2 } } : {};
    const window = options.windows?.[l] ?? -1;
    if (window >= 0) qkAttr.local_window_size = { i: window };
    if (options.softcap !== undefined) qkAttr.softcap = { f: options.softcap };
    const [context] = g.node(
      attn,
      'GroupQueryAttention',
      [q, k, v, `past_key_values.${l}.key`, `past_key_values.${l}.value`, seqlens, total, cos, sin],
      {
        domain: 'com.microsoft',
        outputNames: outputs,
        attrs: {
          num_heads: { i: t.heads },
          kv_num_heads: { i: kv },
          do_rotary: { i: 1 },
          rotary_interleaved: { i: 0 },
          scale: { f: 1 / Math.sqrt(d) },
          ...qkAttr,
        },
      },
    );
    const residual = g.op(scope, 'Add', [
      x,
      emitLinear(g, `${attn}/o_proj`, context!, w.o, `${name}.attn.o_proj`, format),
    ]);
    x = feedForward(g, scope, name, residual, w, t.rmsNormEps, format);
  }
  const normed = rmsNorm(g, `${MODEL}/norm`, x, weights.text.norm, `${W}.norm`, t.rmsNormEps);
  g.node('/lm_head', 'Identity', [emitLinear(g, '/lm_head', normed, weights.text.lmHead, 'lm_head', format)], {
    outputNames: ['logits'],
  });
  g.output('logits', DataType.FLOAT, ['batch_size', 'sequence_length', t.vocabSize]);
  for (let l = 0; l < t.layers; l++) {
    g.output(`present.${l}.key`, DataType.FLOAT, ['batch_size', kv, 'total_sequence_length', d]);
    g.output(`present.${l}.value`, DataType.FLOAT, ['batch_size', kv, 'total_sequence_length', d]);
    if (options.qkOutput)
      g.output(`attn_probs.${l}`, DataType.FLOAT, ['batch_size', t.heads, 'sequence_length', 'total_sequence_length']);
  }
  return g.encode();
}
