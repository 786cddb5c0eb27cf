// onnx/decoder_model_merged.onnx: a Llama decoder with the IO of an Optimum text-generation-with-past export
// (no If node, no num_logits_to_keep). Inputs: inputs_embeds [batch, seq, hidden], attention_mask
// [batch, total] int64, position_ids [batch, seq] int64, past_key_values.{i}.key/value
// [batch_size, heads, past, headDim]. Outputs: logits [batch, seq, vocab] and present.{i}.key/value
// [batch, heads, total, headDim] (keys stored after rotary, as transformers' cache does).
// The additive mask is built from the 2-D attention_mask: causal over absolute positions (the past comes
// first) and zero where attention_mask is 0, so left-padded batches are right.
// With mask 'whole-call' the graph has no attention_mask input and adds an all-zero mask instead, as the PaliGemma
// exports transformers.js runs do: every query of a call attends to every key (the prompt bidirectionally, each later
// step to everything before it). `softcap` adds Gemma 2's soft-capping, cap · tanh(x / cap), of the attention scores
// (before the mask) and of the logits, as PaliGemma 2's decoder has it.
// With attention 'fused-mha' each layer's attention is one com.microsoft MultiHeadAttention node, as ORT's
// optimiser fuses a Llama decoder: rotary stays outside (q and k arrive rotated, [batch, seq, hidden]), the
// additive mask is its attention_bias, and the op concatenates the cache itself (present_key/value outputs).
import { GraphBuilder } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { headDim } from './dims';
import { emitLinear, type WeightFormat } from './linear-node';
import { DECODER_TENSORS as T, TEXT_LAYER_SCOPE } from './tensor-names';
import type { LlavaWeights, TextLayerWeights } from './weights';

/** torch.finfo(float32).min, the value transformers fills masked scores with. */
export const MASK_MIN = -3.4028234663852886e38;

const MODEL = '/language_model/model';
const W = 'language_model.model';

export function rmsNorm(
  g: GraphBuilder,
  scope: string,
  x: string,
  weight: Float32Array,
  name: string,
  eps: number,
): string {
  const variance = g.op(scope, 'ReduceMean', [g.op(scope, 'Pow', [x, g.constF([2], [])])], {
    axes: { ints: [-1] },
    keepdims: { i: 1 },
  });
  const rms = g.op(scope, 'Sqrt', [g.op(scope, 'Add', [variance, g.constF([eps], [])])]);
  return g.op(scope, 'Mul', [g.initializer(`${name}.weight`, weight, [weight.length]), g.op(scope, 'Div', [x, rms])]);
}

/** [batch, 1, seq, total] additive mask: 0 where a query may attend to a key, MASK_MIN elsewhere. */
export function attentionMask(g: GraphBuilder, embeds: string, mask2d: string): string {
  const s = `${MODEL}/mask`;
  const scalar = (shapeOf: string, axis: number) =>
    g.op(s, 'Gather', [g.op(s, 'Shape', [shapeOf]), g.constI64([axis], [])]);
  const total = scalar(mask2d, 1);
  const past = g.op(s, 'Sub', [total, scalar(embeds, 1)]);
  const one = g.constI64([1], []);
  const queryPos = g.op(s, 'Unsqueeze', [g.op(s, 'Range', [past, total, one]), g.constI64([1])]);
  const keyPos = g.op(s, 'Unsqueeze', [g.op(s, 'Range', [g.constI64([0], []), total, one]), g.constI64([0])]);
  const causal = g.op(s, 'Cast', [g.op(s, 'LessOrEqual', [keyPos, queryPos])], { to: { i: DataType.FLOAT } });
  const padding = g.op(s, 'Unsqueeze', [g.op(s, 'Cast', [mask2d], { to: { i: DataType.FLOAT } }), g.constI64([1, 2])]);
  const allowed = g.op(s, 'Mul', [causal, padding]);
  return g.op(s, 'Mul', [g.op(s, 'Sub', [g.constF([1], []), allowed]), g.constF([MASK_MIN], [])]);
}

/** Rotary embedding with precomputed tables: x·cos + rotate_half(x)·sin. */
export function rotary(g: GraphBuilder, scope: string, x: string, cos: string, sin: string, dim: number): string {
  const half = dim / 2;
  const slice = (start: number, end: number) =>
    g.op(scope, 'Slice', [x, g.constI64([start]), g.constI64([end]), g.constI64([3])]);
  const rotated = g.op(scope, 'Concat', [g.op(scope, 'Neg', [slice(half, dim)]), slice(0, half)], { axis: { i: -1 } });
  return g.op(scope, 'Add', [g.op(scope, 'Mul', [x, cos]), g.op(scope, 'Mul', [rotated, sin])]);
}

export type DecoderAttention = 'eager' | 'fused-mha';
/** 'causal-padded': causal from the 2-D attention_mask input; 'whole-call': no mask input, all keys attended. */
export type DecoderMask = 'causal-padded' | 'whole-call';

/** Gemma 2's soft-capping values (config.json text_config attn_logit_softcapping, final_logit_softcapping). */
export interface Softcap {
  readonly attention: number;
  readonly final: number;
}

/** cap · tanh(x / cap), as the torch exporter writes Gemma 2's soft-capping: Div, Tanh, Mul. */
function softcapped(g: GraphBuilder, scope: string, x: string, cap: number): string {
  return g.op(scope, 'Mul', [g.op(scope, 'Tanh', [g.op(scope, 'Div', [x, g.constF([cap], [])])]), g.constF([cap], [])]);
}

interface LayerContext {
  attention: DecoderAttention;
  /** false: the graph has no past inputs and its present cache is this call's keys and values alone. */
  withPast: boolean;
  g: GraphBuilder;
  weights: LlavaWeights;
  format: WeightFormat;
  mask: string;
  softcap?: Softcap;
  cos: string;
  sin: string;
}

function decoderLayer(c: LayerContext, x: string, layer: number, w: TextLayerWeights): string {
  const { g, format } = c;
  const t = c.weights.dims.text;
  const d = headDim(t.hidden, t.heads);
  const scope = TEXT_LAYER_SCOPE(layer);
  const attn = `${scope}/self_attn`;
  const name = `${W}.layers.${layer}`;
  const heads = (y: string) =>
    g.op(attn, 'Transpose', [g.op(attn, 'Reshape', [y, g.constI64([0, -1, t.heads, d])])], {
      perm: { ints: [0, 2, 1, 3] },
    });

  const normed = rmsNorm(g, `${scope}/input_layernorm`, x, w.inputNorm, `${name}.input_layernorm`, t.rmsNormEps);
  const q = rotary(
    g,
    attn,
    heads(emitLinear(g, `${attn}/q_proj`, normed, w.q, `${name}.self_attn.q_proj`, format)),
    c.cos,
    c.sin,
    d,
  );
  const k = rotary(
    g,
    attn,
    heads(emitLinear(g, `${attn}/k_proj`, normed, w.k, `${name}.self_attn.k_proj`, format)),
    c.cos,
    c.sin,
    d,
  );
  const v = heads(emitLinear(g, `${attn}/v_proj`, normed, w.v, `${name}.self_attn.v_proj`, format));
  const context =
    c.attention === 'fused-mha' ? fusedAttention(c, attn, layer, q, k, v) : eagerAttention(c, attn, layer, q, k, v);
  const residual = g.op(scope, 'Add', [
    x,
    emitLinear(g, `${attn}/o_proj`, context, w.o, `${name}.self_attn.o_proj`, format),
  ]);
  return feedForward(g, scope, name, residual, w, t.rmsNormEps, format);
}

/**
 * A Llama layer after its attention: post-attention RMSNorm, the SwiGLU MLP, and the residual add. `scope` and
 * `name` are the layer's node scope and weight-name prefix.
 */
export function feedForward(
  g: GraphBuilder,
  scope: string,
  name: string,
  residual: string,
  w: TextLayerWeights,
  eps: number,
  format: WeightFormat,
): string {
  const normed = rmsNorm(
    g,
    `${scope}/post_attention_layernorm`,
    residual,
    w.postAttentionNorm,
    `${name}.post_attention_layernorm`,
    eps,
  );
  const gate = emitLinear(g, `${scope}/mlp/gate_proj`, normed, w.gate, `${name}.mlp.gate_proj`, format);
  const up = emitLinear(g, `${scope}/mlp/up_proj`, normed, w.up, `${name}.mlp.up_proj`, format);
  const act = `${scope}/mlp/act_fn`;
  const silu = g.op(act, 'Mul', [gate, g.op(act, 'Sigmoid', [gate])]);
  const down = emitLinear(
    g,
    `${scope}/mlp/down_proj`,
    g.op(`${scope}/mlp`, 'Mul', [silu, up]),
    w.down,
    `${name}.mlp.down_proj`,
    format,
  );
  return g.op(scope, 'Add', [residual, down]);
}

/** q, k, v [batch, heads, seq, headDim] (q and k rotated) → context [batch, seq, hidden]. */
function eagerAttention(c: LayerContext, attn: string, layer: number, q: string, k: string, v: string): string {
  const { g } = c;
  const t = c.weights.dims.text;
  const d = headDim(t.hidden, t.heads);
  const cache = (past: string, current: string, present: string) =>
    c.withPast
      ? g.node(attn, 'Concat', [past, current], { attrs: { axis: { i: 2 } }, outputNames: [present] })[0]!
      : g.node(attn, 'Identity', [current], { outputNames: [present] })[0]!;
  const keys = cache(T.pastKey(layer), k, T.presentKey(layer));
  const values = cache(T.pastValue(layer), v, T.presentValue(layer));

  const scaled = g.op(attn, 'Mul', [
    g.op(attn, 'MatMul', [q, g.op(attn, 'Transpose', [keys], { perm: { ints: [0, 1, 3, 2] } })]),
    g.constF([1 / Math.sqrt(d)], []),
  ]);
  const scores = c.softcap ? softcapped(g, attn, scaled, c.softcap.attention) : scaled;
  const probs = g.op(attn, 'Softmax', [g.op(attn, 'Add', [scores, c.mask])], { axis: { i: -1 } });
  if (probs !== T.softmax(layer)) throw new Error('decoder softmax tensor name drifted from tensor-names.ts');
  return g.op(attn, 'Reshape', [
    g.op(attn, 'Transpose', [g.op(attn, 'MatMul', [probs, values])], { perm: { ints: [0, 2, 1, 3] } }),
    g.constI64([0, -1, t.hidden]),
  ]);
}

/** The same attention as one MultiHeadAttention node: q and k enter as [batch, seq, hidden], the cache as BNSH. */
function fusedAttention(c: LayerContext, attn: string, layer: number, q: string, k: string, v: string): string {
  const { g } = c;
  const t = c.weights.dims.text;
  const merge = (y: string) =>
    g.op(attn, 'Reshape', [
      g.op(attn, 'Transpose', [y], { perm: { ints: [0, 2, 1, 3] } }),
      g.constI64([0, -1, t.hidden]),
    ]);
  return g.node(
    attn,
    'MultiHeadAttention',
    [merge(q), merge(k), merge(v), '', '', c.mask, T.pastKey(layer), T.pastValue(layer)],
    {
      domain: 'com.microsoft',
      attrs: { num_heads: { i: t.heads } },
      outputNames: [`${attn}/MultiHeadAttention_output_0`, T.presentKey(layer), T.presentValue(layer)],
    },
  )[0]!;
}

/**
 * Which of the three position axes drives each of the head's `d` rotary dimensions: the frequency pair j (dimensions j
 * and j + d/2) belongs to the axis whose mrope_section band holds j. As a [3, 1, 1, d] one-hot constant.
 */
export function mropeAxes(section: readonly number[], d: number): number[] {
  const ends = section.map((_, a) => section.slice(0, a + 1).reduce((x, y) => x + y, 0));
  if (ends.at(-1) !== d / 2) throw new Error(`mrope_section ${section.join('+')} must sum to headDim / 2 = ${d / 2}`);
  return Array.from({ length: d }, (_, e) => ends.findIndex((end) => e % (d / 2) < end));
}

function mropeBandMask(section: readonly number[], d: number): (g: GraphBuilder) => string {
  const axes = mropeAxes(section, d);
  const mask = Array.from({ length: 3 * d }, (_, i) => (axes[i % d] === Math.floor(i / d) ? 1 : 0));
  let name: string | undefined;
  return (g) => (name ??= g.constF(mask, [3, 1, 1, d]));
}

/**
 * `withPast: false` builds the without-past graph of an Optimum decoder pair (eager attention only): no
 * past_key_values inputs, present = this call's keys and values; src/factory/if-merged merges the two.
 */
export function buildDecoderGraph(
  weights: LlavaWeights,
  format: WeightFormat,
  attention: DecoderAttention = 'eager',
  {
    withPast = true,
    mask = 'causal-padded',
    softcap,
    mropeSection,
  }: { withPast?: boolean; mask?: DecoderMask; softcap?: Softcap; mropeSection?: readonly number[] } = {},
): Uint8Array {
  if ((!withPast || softcap) && attention !== 'eager')
    throw new Error('buildDecoderGraph: a without-past or soft-capped graph is eager only.');
  const t = weights.dims.text;
  const d = headDim(t.hidden, t.heads);
  const g = new GraphBuilder('main_graph');
  const embeds = g.input(T.inputsEmbeds, DataType.FLOAT, ['batch_size', 'sequence_length', t.hidden]);
  const mask2d =
    mask === 'causal-padded' ? g.input(T.attentionMask, DataType.INT64, ['batch_size', 'total_sequence_length']) : '';
  const positions = g.input(
    T.positionIds,
    DataType.INT64,
    mropeSection ? [3, 'batch_size', 'sequence_length'] : ['batch_size', 'sequence_length'],
  );
  for (let l = 0; l < t.layers && withPast; l++) {
    g.input(T.pastKey(l), DataType.FLOAT, ['batch_size', t.heads, 'past_sequence_length', d]);
    g.input(T.pastValue(l), DataType.FLOAT, ['batch_size', t.heads, 'past_sequence_length', d]);
  }

  const rope = `${MODEL}/rotary_emb`;
  // M-RoPE: each rotary frequency pair follows one axis's position ([3, batch, seq]: time, height, width), so every
  // axis's row is gathered and a one-hot band mask keeps each pair's own.
  const bands = mropeSection && mropeBandMask(mropeSection, d);
  const gathered = (table: string) =>
    bands
      ? g.op(
          rope,
          'ReduceSum',
          [g.op(rope, 'Mul', [g.op(rope, 'Gather', [table, positions]), bands(g)]), g.constI64([0])],
          {
            keepdims: { i: 0 },
          },
        )
      : g.op(rope, 'Gather', [table, positions]);
  const table = (name: string, data: Float32Array) =>
    g.op(rope, 'Unsqueeze', [
      gathered(g.initializer(`${W}.rotary_emb.${name}_cached`, data, [t.maxPositions, d])),
      g.constI64([1]),
    ]);
  const context: LayerContext = {
    attention,
    withPast,
    g,
    weights,
    format,
    mask: mask === 'causal-padded' ? attentionMask(g, embeds, mask2d) : g.constF([0], []),
    softcap,
    cos: table('cos', weights.text.ropeCos),
    sin: table('sin', weights.text.ropeSin),
  };

  let x = embeds;
  for (let l = 0; l < t.layers; l++) x = decoderLayer(context, x, l, weights.text.layers[l]!);
  const normed = rmsNorm(g, `${MODEL}/norm`, x, weights.text.norm, `${W}.norm`, t.rmsNormEps);
  const head = weights.text.lmHead;
  const projected = emitLinear(g, '/language_model/lm_head', normed, head, 'language_model.lm_head', format);
  const logits = softcap ? softcapped(g, '/language_model', projected, softcap.final) : projected;
  g.node('/language_model/lm_head', 'Identity', [logits], { outputNames: [T.logits] });

  g.output(T.logits, DataType.FLOAT, ['batch_size', 'sequence_length', t.vocabSize]);
  for (let l = 0; l < t.layers; l++) {
    g.output(T.presentKey(l), DataType.FLOAT, ['batch_size', t.heads, 'total_sequence_length', d]);
    g.output(T.presentValue(l), DataType.FLOAT, ['batch_size', t.heads, 'total_sequence_length', d]);
  }
  return g.encode();
}
