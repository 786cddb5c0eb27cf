// onnx/decoder_model_merged.onnx of a Phi-1.5 decoder with the IO of an Optimum text-generation-with-past export
// (the llava decoder's inputs and outputs: inputs_embeds, attention_mask, position_ids, past_key_values.{i}.* →
// logits, present.{i}.*). Each layer: one LayerNorm (with bias) whose output feeds attention and MLP side by side,
// x + dense(attention) + fc2(gelu_new(fc1)); rotary turns only the first rotaryDim channels of each head; keys are
// cached after rotary. Eager attention, so the Softmax probabilities are in the graph as the torch exporter leaves
// them, or ORT's GroupQueryAttention (see buildPhiDecoderGraph). Then final_layernorm and lm_head, both with bias.
import { attentionMask } from '../llava/decoder-graph';
import { emitLinear } from '../llava/linear-node';
import { DECODER_TENSORS as T } from '../llava/tensor-names';
import { layerNorm } from '../llava/vision-graph';
import { GraphBuilder } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { headDimOf, rotaryDimOf } from './dims';
import type { PhiLayerWeights, PhiWeights } from './phi-weights';

const MODEL = '/model';

/** Partial rotary on [batch, heads, seq, headDim]: the first `rot` channels turn, the rest pass through. */
function partialRotary(g: GraphBuilder, scope: string, x: string, c: LayerContext, rot: number, d: number): string {
  const slice = (y: string, start: number, end: number) =>
    g.op(scope, 'Slice', [y, g.constI64([start]), g.constI64([end]), g.constI64([3])]);
  const turned = slice(x, 0, rot);
  const half = rot / 2;
  const rotated = g.op(scope, 'Concat', [g.op(scope, 'Neg', [slice(turned, half, rot)]), slice(turned, 0, half)], {
    axis: { i: -1 },
  });
  const embedded = g.op(scope, 'Add', [g.op(scope, 'Mul', [turned, c.cos]), g.op(scope, 'Mul', [rotated, c.sin])]);
  return g.op(scope, 'Concat', [embedded, slice(x, rot, d)], { axis: { i: -1 } });
}

/** gelu_new (Phi's MLP and Moondream's projector): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluNew(g: GraphBuilder, scope: string, x: string): string {
  const cube = g.op(scope, 'Mul', [g.op(scope, 'Pow', [x, g.constF([3], [])]), g.constF([0.044715], [])]);
  const inner = g.op(scope, 'Mul', [g.op(scope, 'Add', [x, cube]), g.constF([Math.sqrt(2 / Math.PI)], [])]);
  const gate = g.op(scope, 'Add', [g.op(scope, 'Tanh', [inner]), g.constF([1], [])]);
  return g.op(scope, 'Mul', [g.op(scope, 'Mul', [x, gate]), g.constF([0.5], [])]);
}

interface LayerContext {
  g: GraphBuilder;
  weights: PhiWeights;
  /** Eager: the additive mask and the gathered rotary tables; GQA: seqlens_k, total length and the cos/sin caches. */
  attention: PhiAttention;
  mask: string;
  cos: string;
  sin: string;
  seqlens: string;
  total: string;
}

/** q, k, v [batch, seq, hidden] → context [batch, seq, hidden]: rotary, the cache and the softmax written out. */
function eagerAttention(
  c: LayerContext,
  attn: string,
  layer: number,
  heads: (y: string) => string,
  q: string,
  k: string,
  v: string,
): string {
  const { g } = c;
  const t = c.weights.dims;
  const d = headDimOf(t);
  const rot = rotaryDimOf(t);
  const keys = g.node(attn, 'Concat', [T.pastKey(layer), partialRotary(g, attn, heads(k), c, rot, d)], {
    attrs: { axis: { i: 2 } },
    outputNames: [T.presentKey(layer)],
  })[0]!;
  const values = g.node(attn, 'Concat', [T.pastValue(layer), heads(v)], {
    attrs: { axis: { i: 2 } },
    outputNames: [T.presentValue(layer)],
  })[0]!;
  const scores = g.op(attn, 'Mul', [
    g.op(attn, 'MatMul', [
      partialRotary(g, attn, heads(q), c, rot, d),
      g.op(attn, 'Transpose', [keys], { perm: { ints: [0, 1, 3, 2] } }),
    ]),
    g.constF([1 / Math.sqrt(d)], []),
  ]);
  const probs = g.op(attn, 'Softmax', [g.op(attn, 'Add', [scores, c.mask])], { axis: { i: -1 } });
  return g.op(attn, 'Reshape', [
    g.op(attn, 'Transpose', [g.op(attn, 'MatMul', [probs, values])], { perm: { ints: [0, 2, 1, 3] } }),
    g.constI64([0, -1, t.hidden]),
  ]);
}

/**
 * The same attention as one com.microsoft GroupQueryAttention node, as ORT's optimiser leaves a Phi decoder: rotary
 * inside, its width (the partial rotary) given by the cos/sin caches' [positions, rotaryDim / 2].
 */
function gqaAttention(c: LayerContext, attn: string, layer: number, q: string, k: string, v: string): string {
  const t = c.weights.dims;
  const inputs = [q, k, v, T.pastKey(layer), T.pastValue(layer), c.seqlens, c.total, c.cos, c.sin];
  return c.g.node(attn, 'GroupQueryAttention', inputs, {
    domain: 'com.microsoft',
    outputNames: [`${attn}/GroupQueryAttention_output_0`, T.presentKey(layer), T.presentValue(layer)],
    attrs: {
      num_heads: { i: t.heads },
      kv_num_heads: { i: t.heads },
      do_rotary: { i: 1 },
      rotary_interleaved: { i: 0 },
      scale: { f: 1 / Math.sqrt(headDimOf(t)) },
    },
  })[0]!;
}

function decoderLayer(c: LayerContext, x: string, layer: number, w: PhiLayerWeights): string {
  const { g } = c;
  const t = c.weights.dims;
  const d = headDimOf(t);
  const scope = `${MODEL}/layers.${layer}`;
  const attn = `${scope}/self_attn`;
  const name = `model.layers.${layer}`;
  const heads = (y: string) =>
    g.op(attn, 'Transpose', [g.op(attn, 'Reshape', [y, g.constI64([0, -1, t.heads, d])])], {
      perm: { ints: [0, 2, 1, 3] },
    });
  const linear = (sub: string, input: string, lin: PhiLayerWeights['q']) =>
    emitLinear(g, `${scope}/${sub}`, input, lin, `${name}.${sub.replace('/', '.')}`, 'fp32');

  const normed = layerNorm(
    g,
    `${scope}/input_layernorm`,
    x,
    w.inputLayerNorm,
    `${name}.input_layernorm`,
    t.layerNormEps,
  );
  const q = linear('self_attn/q_proj', normed, w.q);
  const k = linear('self_attn/k_proj', normed, w.k);
  const v = linear('self_attn/v_proj', normed, w.v);
  const context =
    c.attention === 'gqa' ? gqaAttention(c, attn, layer, q, k, v) : eagerAttention(c, attn, layer, heads, q, k, v);
  const attended = linear('self_attn/dense', context, w.dense);
  const mlp = linear('mlp/fc2', geluNew(g, `${scope}/mlp/activation_fn`, linear('mlp/fc1', normed, w.fc1)), w.fc2);
  return g.op(scope, 'Add', [g.op(scope, 'Add', [attended, mlp]), x]);
}

export type PhiAttention = 'eager' | 'gqa';

/** [positions, rotaryDim / 2]: the first half of each row of a duplicated-halves rotary table. */
function halfTable(table: Float32Array, positions: number, rot: number): Float32Array {
  const out = new Float32Array(positions * (rot / 2));
  for (let p = 0; p < positions; p++) out.set(table.subarray(p * rot, p * rot + rot / 2), p * (rot / 2));
  return out;
}

/**
 * 'gqa': the ORT-optimised layout (GroupQueryAttention, no position_ids input, seqlens_k = ReduceSum(mask) − 1 and the
 * total length from the mask's shape), as the Hub repo's optimised revision ships its decoder.
 */
export function buildPhiDecoderGraph(weights: PhiWeights, attention: PhiAttention = 'eager'): Uint8Array {
  const t = weights.dims;
  const d = headDimOf(t);
  const rot = rotaryDimOf(t);
  const g = new GraphBuilder('main_graph');
  const embeds = g.input(T.inputsEmbeds, DataType.FLOAT, ['batch_size', 'sequence_length', t.hidden]);
  const mask2d = g.input(T.attentionMask, DataType.INT64, ['batch_size', 'total_sequence_length']);
  const positions =
    attention === 'eager' ? g.input(T.positionIds, DataType.INT64, ['batch_size', 'sequence_length']) : '';
  for (let l = 0; l < t.layers; l++) {
    g.input(T.pastKey(l), DataType.FLOAT, ['batch_size', t.heads, 'past_sequence_length', d]);
    g.input(T.pastValue(l), DataType.FLOAT, ['batch_size', t.heads, 'past_sequence_length', d]);
  }
  const rope = `${MODEL}/rotary_emb`;
  const table = (name: string, data: Float32Array) =>
    g.op(rope, 'Unsqueeze', [
      g.op(rope, 'Gather', [g.initializer(`model.rotary_emb.${name}_cached`, data, [t.maxPositions, rot]), positions]),
      g.constI64([1]),
    ]);
  const m = `${MODEL}/attn_mask_reformat`;
  const int32 = (x: string) => g.op(m, 'Cast', [x], { to: { i: 6 } }); // INT32
  const cache = (name: string, data: Float32Array) =>
    g.initializer(`${name}_cache`, halfTable(data, t.maxPositions, rot), [t.maxPositions, rot / 2]);
  const context: LayerContext =
    attention === 'eager'
      ? {
          g,
          weights,
          attention,
          mask: attentionMask(g, embeds, mask2d),
          cos: table('cos', weights.ropeCos),
          sin: table('sin', weights.ropeSin),
          seqlens: '',
          total: '',
        }
      : {
          g,
          weights,
          attention,
          mask: '',
          cos: cache('cos', weights.ropeCos),
          sin: cache('sin', weights.ropeSin),
          seqlens: int32(
            g.op(m, 'Sub', [
              g.op(m, 'ReduceSum', [mask2d, g.constI64([1])], { keepdims: { i: 0 } }),
              g.constI64([1], []),
            ]),
          ),
          total: int32(g.op(m, 'Gather', [g.op(m, 'Shape', [mask2d]), g.constI64([1], [])])),
        };
  let x = embeds;
  weights.layers.forEach((layer, l) => (x = decoderLayer(context, x, l, layer)));
  const normed = layerNorm(
    g,
    `${MODEL}/final_layernorm`,
    x,
    weights.finalLayerNorm,
    'model.final_layernorm',
    t.layerNormEps,
  );
  const logits = emitLinear(g, '/lm_head', normed, weights.lmHead, 'lm_head', 'fp32');
  g.node('/lm_head', 'Identity', [logits], { outputNames: [T.logits] });
  g.output(T.logits, DataType.FLOAT, ['batch_size', 'sequence_length', t.vocabSize]);
  for (let l = 0; l < t.layers; l++) {
    g.output(T.presentKey(l), DataType.FLOAT, ['batch_size', t.heads, 'total_sequence_length', d]);
    g.output(T.presentValue(l), DataType.FLOAT, ['batch_size', t.heads, 'total_sequence_length', d]);
  }
  return g.encode();
}
