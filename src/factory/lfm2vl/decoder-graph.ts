// onnx/decoder_model_merged.onnx of an LFM2-VL export: an LFM2-like hybrid decoder with the inputs and outputs
// transformers.js feeds it (getCacheNames for lfm2): inputs_embeds, attention_mask, position_ids, then per layer
// either past_conv.{i} [batch_size, hidden, conv_L_cache] (a "conv" layer) or past_key_values.{i}.key/value
// [batch_size, heads, past_sequence_length, headDim] (an attention layer); outputs logits and, per layer,
// present_conv.{i} or present.{i}.key/value.
// A conv layer is LFM2's gated short convolution: in_proj splits into B, C, x; B·x runs through a causal depthwise
// convolution of conv_L_cache taps over [carried state, new steps]; C gates its output; out_proj. The carried state
// is the last conv_L_cache values of B·x (zeros before the first token), so a prefill and one step at a time give
// the same outputs. An attention layer is Llama attention with LFM2's per-head RMSNorm on q and k before rotary.
// Each layer: x + mixer(operator_norm(x)), then + SwiGLU feed_forward(ffn_norm(·)); the final norm, then lm_head.
import { GraphBuilder } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { headDim } from '../llava/dims';
import { attentionMask, feedForward, rmsNorm, rotary } from '../llava/decoder-graph';
import { emitLinear } from '../llava/linear-node';
import { DECODER_TENSORS as T, TEXT_LAYER_SCOPE } from '../llava/tensor-names';
import type { Linear, LlavaWeights, WeightSource } from '../llava/weights';
import type { Lfm2VlDims } from './dims';

const MODEL = '/language_model/model';
const W = 'language_model.model';

export const pastConv = (layer: number): string => `past_conv.${layer}`;
export const presentConv = (layer: number): string => `present_conv.${layer}`;

export interface ConvLayerWeights {
  /** [hidden, 3·hidden]: B, C and x side by side. */
  readonly inProj: Linear;
  /** Depthwise taps [hidden, 1, L]; tap L − 1 multiplies the newest step. */
  readonly conv: Float32Array;
  readonly outProj: Linear;
}

export interface AttentionNormWeights {
  readonly q: Float32Array;
  readonly k: Float32Array;
}

export interface Lfm2DecoderExtras {
  /** Per layer: conv weights for a conv layer, q/k norms for an attention layer. */
  readonly layers: readonly (ConvLayerWeights | AttentionNormWeights)[];
}

export const isConvLayer = (w: ConvLayerWeights | AttentionNormWeights): w is ConvLayerWeights => 'conv' in w;

export function makeDecoderExtras(d: Lfm2VlDims, src: WeightSource): Lfm2DecoderExtras {
  const t = d.base.text;
  const h = t.hidden;
  return {
    layers: d.layerTypes.map((type, l) =>
      type === 'conv'
        ? {
            inProj: src.projection(`text.layers.${l}.conv.in_proj`, h, 3 * h),
            conv: src.normal(`text.layers.${l}.conv.conv`, h * d.convLCache, 1 / Math.sqrt(d.convLCache)),
            outProj: src.projection(`text.layers.${l}.conv.out_proj`, h, h),
          }
        : {
            q: src.normal(`text.layers.${l}.self_attn.q_layernorm`, headDim(h, t.heads), 0.1, 1),
            k: src.normal(`text.layers.${l}.self_attn.k_layernorm`, headDim(h, t.heads), 0.1, 1),
          },
    ),
  };
}

interface Context {
  readonly g: GraphBuilder;
  readonly d: Lfm2VlDims;
  readonly weights: LlavaWeights;
  readonly mask: string;
  readonly cos: string;
  readonly sin: string;
}

function convMixer(c: Context, x: string, layer: number, w: ConvLayerWeights): string {
  const { g, d } = c;
  const h = d.base.text.hidden;
  const L = d.convLCache;
  const scope = `${TEXT_LAYER_SCOPE(layer)}/conv`;
  const name = `${W}.layers.${layer}.conv`;
  // [batch, seq, 3h] → [batch, 3h, seq] → B, C, x along channels.
  const bcx = g.op(scope, 'Transpose', [emitLinear(g, `${scope}/in_proj`, x, w.inProj, `${name}.in_proj`, 'fp32')], {
    perm: { ints: [0, 2, 1] },
  });
  const [b, gate, value] = g.node(scope, 'Split', [bcx, g.constI64([h, h, h])], {
    attrs: { axis: { i: 1 } },
    outputs: 3,
  });
  const bx = g.op(scope, 'Mul', [b!, value!]);
  const full = g.op(scope, 'Concat', [pastConv(layer), bx], { axis: { i: 2 } });
  g.node(scope, 'Slice', [full, g.constI64([-L]), g.constI64([Number.MAX_SAFE_INTEGER]), g.constI64([2])], {
    outputNames: [presentConv(layer)],
  });
  // The first state column only feeds the carried state: L taps over [L − 1 earlier steps, new steps].
  const window = g.op(scope, 'Slice', [full, g.constI64([1]), g.constI64([Number.MAX_SAFE_INTEGER]), g.constI64([2])]);
  const conv = g.op(scope, 'Conv', [window, g.initializer(`${name}.conv.weight`, w.conv, [h, 1, L])], {
    group: { i: h },
    kernel_shape: { ints: [L] },
  });
  const gated = g.op(scope, 'Transpose', [g.op(scope, 'Mul', [gate!, conv])], { perm: { ints: [0, 2, 1] } });
  return emitLinear(g, `${scope}/out_proj`, gated, w.outProj, `${name}.out_proj`, 'fp32');
}

function attentionMixer(c: Context, x: string, layer: number, norms: AttentionNormWeights): string {
  const { g } = c;
  const t = c.d.base.text;
  const dim = headDim(t.hidden, t.heads);
  const w = c.weights.text.layers[layer]!;
  const attn = `${TEXT_LAYER_SCOPE(layer)}/self_attn`;
  const name = `${W}.layers.${layer}.self_attn`;
  const heads = (y: string) =>
    g.op(attn, 'Transpose', [g.op(attn, 'Reshape', [y, g.constI64([0, -1, t.heads, dim])])], {
      perm: { ints: [0, 2, 1, 3] },
    });
  const project = (lin: Linear, which: string, norm?: Float32Array) => {
    const y = heads(emitLinear(g, `${attn}/${which}_proj`, x, lin, `${name}.${which}_proj`, 'fp32'));
    if (!norm) return y;
    const normed = rmsNorm(g, `${attn}/${which}_layernorm`, y, norm, `${name}.${which}_layernorm`, t.rmsNormEps);
    return rotary(g, attn, normed, c.cos, c.sin, dim);
  };
  const q = project(w.q, 'q', norms.q);
  const k = project(w.k, 'k', norms.k);
  const v = project(w.v, 'v');
  const keys = g.node(attn, 'Concat', [T.pastKey(layer), k], {
    attrs: { axis: { i: 2 } },
    outputNames: [T.presentKey(layer)],
  })[0]!;
  const values = g.node(attn, 'Concat', [T.pastValue(layer), v], {
    attrs: { axis: { i: 2 } },
    outputNames: [T.presentValue(layer)],
  })[0]!;
  const scores = g.op(attn, 'Mul', [
    g.op(attn, 'MatMul', [q, g.op(attn, 'Transpose', [keys], { perm: { ints: [0, 1, 3, 2] } })]),
    g.constF([1 / Math.sqrt(dim)], []),
  ]);
  const probs = g.op(attn, 'Softmax', [g.op(attn, 'Add', [scores, c.mask])], { axis: { i: -1 } });
  if (probs !== T.softmax(layer)) throw new Error('decoder softmax tensor name drifted from tensor-names.ts');
  const context = g.op(attn, 'Reshape', [
    g.op(attn, 'Transpose', [g.op(attn, 'MatMul', [probs, values])], { perm: { ints: [0, 2, 1, 3] } }),
    g.constI64([0, -1, t.hidden]),
  ]);
  return emitLinear(g, `${attn}/out_proj`, context, w.o, `${name}.out_proj`, 'fp32');
}

export function buildLfm2DecoderGraph(weights: LlavaWeights, extras: Lfm2DecoderExtras, d: Lfm2VlDims): Uint8Array {
  const t = d.base.text;
  const dim = headDim(t.hidden, t.heads);
  const g = new GraphBuilder('main_graph');
  const embeds = g.input(T.inputsEmbeds, DataType.FLOAT, ['batch_size', 'sequence_length', t.hidden]);
  const mask2d = g.input(T.attentionMask, DataType.INT64, ['batch_size', 'total_sequence_length']);
  const positions = g.input(T.positionIds, DataType.INT64, ['batch_size', 'sequence_length']);
  d.layerTypes.forEach((type, l) => {
    if (type === 'conv') {
      g.input(pastConv(l), DataType.FLOAT, ['batch_size', t.hidden, d.convLCache]);
    } else {
      g.input(T.pastKey(l), DataType.FLOAT, ['batch_size', t.heads, 'past_sequence_length', dim]);
      g.input(T.pastValue(l), DataType.FLOAT, ['batch_size', t.heads, 'past_sequence_length', dim]);
    }
  });

  const rope = `${MODEL}/rotary_emb`;
  const table = (name: string, data: Float32Array) =>
    g.op(rope, 'Unsqueeze', [
      g.op(rope, 'Gather', [g.initializer(`${W}.rotary_emb.${name}_cached`, data, [t.maxPositions, dim]), positions]),
      g.constI64([1]),
    ]);
  const c: Context = {
    g,
    d,
    weights,
    mask: attentionMask(g, embeds, mask2d),
    cos: table('cos', weights.text.ropeCos),
    sin: table('sin', weights.text.ropeSin),
  };

  let x = embeds;
  extras.layers.forEach((layerExtras, l) => {
    const w = weights.text.layers[l]!;
    const scope = TEXT_LAYER_SCOPE(l);
    const name = `${W}.layers.${l}`;
    const normed = rmsNorm(g, `${scope}/operator_norm`, x, w.inputNorm, `${name}.operator_norm`, t.rmsNormEps);
    const mixed = isConvLayer(layerExtras)
      ? convMixer(c, normed, l, layerExtras)
      : attentionMixer(c, normed, l, layerExtras);
    x = feedForward(g, scope, name, g.op(scope, 'Add', [x, mixed]), w, t.rmsNormEps, 'fp32');
  });
  const normed = rmsNorm(g, `${MODEL}/embedding_norm`, x, weights.text.norm, `${W}.embedding_norm`, t.rmsNormEps);
  const logits = emitLinear(
    g,
    '/language_model/lm_head',
    normed,
    weights.text.lmHead,
    'language_model.lm_head',
    'fp32',
  );
  g.node('/language_model/lm_head', 'Identity', [logits], { outputNames: [T.logits] });

  g.output(T.logits, DataType.FLOAT, ['batch_size', 'sequence_length', t.vocabSize]);
  d.layerTypes.forEach((type, l) => {
    if (type === 'conv') {
      g.output(presentConv(l), DataType.FLOAT, ['batch_size', t.hidden, d.convLCache]);
    } else {
      g.output(T.presentKey(l), DataType.FLOAT, ['batch_size', t.heads, 'total_sequence_length', dim]);
      g.output(T.presentValue(l), DataType.FLOAT, ['batch_size', t.heads, 'total_sequence_length', dim]);
    }
  });
  return g.encode();
}
