// onnx/vision_encoder.onnx: pixel_values [batch, 3, S, S] → image_features [batch, patches, text hidden].
// A CLIP ViT (conv patch embedding, CLS token, pre-LayerNorm, MatMul/Softmax attention, quick-GELU MLP) run
// up to layer L-2 (vision_feature_layer = -2), CLS dropped (strategy "default"), then the 2-layer GELU projector.
import { GraphBuilder } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { headDim, patchCount, usedVisionLayers } from './dims';
import { emitLinear, type WeightFormat } from './linear-node';
import { VISION_LAYER_SCOPE, VISION_TENSORS } from './tensor-names';
import type { LayerNormWeights, Linear, LlavaWeights, VisionLayerWeights } from './weights';

const TOWER = '/vision_tower/vision_model';
const W = 'vision_tower.vision_model';

export function layerNorm(
  g: GraphBuilder,
  scope: string,
  x: string,
  w: LayerNormWeights,
  name: string,
  eps: number,
): string {
  const dim = [w.gamma.length];
  return g.op(
    scope,
    'LayerNormalization',
    [x, g.initializer(`${name}.weight`, w.gamma, dim), g.initializer(`${name}.bias`, w.beta, dim)],
    {
      axis: { i: -1 },
      epsilon: { f: eps },
    },
  );
}

function embeddings(g: GraphBuilder, pixels: string, weights: LlavaWeights): string {
  const v = weights.dims.vision;
  const h = v.hidden;
  const scope = `${TOWER}/embeddings`;
  const kernel = g.initializer(`${W}.embeddings.patch_embedding.weight`, weights.vision.patchEmbedding, [
    h,
    3,
    v.patchSize,
    v.patchSize,
  ]);
  const conv = g.op(`${scope}/patch_embedding`, 'Conv', [pixels, kernel], {
    kernel_shape: { ints: [v.patchSize, v.patchSize] },
    strides: { ints: [v.patchSize, v.patchSize] },
  });
  const flat = g.op(scope, 'Reshape', [conv, g.constI64([0, h, -1])]);
  const patches = g.op(scope, 'Transpose', [flat], { perm: { ints: [0, 2, 1] } });
  const batch = g.op(scope, 'Gather', [g.op(scope, 'Shape', [pixels]), g.constI64([0], [1])]);
  const clsShape = g.op(scope, 'Concat', [batch, g.constI64([1, h])], { axis: { i: 0 } });
  const cls = g.op(scope, 'Expand', [
    g.initializer(`${W}.embeddings.class_embedding`, weights.vision.classEmbedding, [1, 1, h]),
    clsShape,
  ]);
  const tokens = g.op(scope, 'Concat', [cls, patches], { axis: { i: 1 } });
  const positions = g.initializer(`${W}.embeddings.position_embedding.weight`, weights.vision.positionEmbedding, [
    patchCount(v) + 1,
    h,
  ]);
  return g.op(scope, 'Add', [tokens, positions]);
}

function splitHeads(g: GraphBuilder, scope: string, x: string, heads: number, dim: number, perm: number[]): string {
  return g.op(scope, 'Transpose', [g.op(scope, 'Reshape', [x, g.constI64([0, -1, heads, dim])])], {
    perm: { ints: perm },
  });
}

/** The q, k and v projections side by side as one [in, 3·out] linear layer (packed QKV, as timm-style ViTs export). */
function packedQkv(w: VisionLayerWeights): Linear {
  const { inDim, outDim } = w.q;
  const weight = new Float32Array(inDim * 3 * outDim);
  for (let r = 0; r < inDim; r++)
    [w.q, w.k, w.v].forEach((lin, i) =>
      weight.set(lin.weight.subarray(r * outDim, (r + 1) * outDim), (r * 3 + i) * outDim),
    );
  return { weight, bias: Float32Array.from([...w.q.bias!, ...w.k.bias!, ...w.v.bias!]), inDim, outDim: 3 * outDim };
}

/**
 * `scale` multiplies q·kᵀ before the softmax; 1/√headDim unless a test needs another. `packed`: one projection
 * makes q|k|v and a Split on the last axis separates them. `keyBias`: an additive [batch, 1, 1, tokens] mask on the
 * scores (padded patches of a NaFlex tower).
 */
export function encoderLayer(
  g: GraphBuilder,
  x: string,
  layer: number,
  w: VisionLayerWeights,
  weights: LlavaWeights,
  format: WeightFormat,
  scale?: number,
  packed = false,
  keyBias?: string,
): string {
  const v = weights.dims.vision;
  const d = headDim(v.hidden, v.heads);
  const scope = VISION_LAYER_SCOPE(layer);
  const name = `${W}.encoder.layers.${layer}`;
  const attn = `${scope}/self_attn`;

  const normed = layerNorm(g, `${scope}/layer_norm1`, x, w.layerNorm1, `${name}.layer_norm1`, v.layerNormEps);
  const [q, k, val] = packed
    ? g.node(attn, 'Split', [emitLinear(g, `${attn}/qkv`, normed, packedQkv(w), `${name}.self_attn.qkv`, format)], {
        attrs: { axis: { i: -1 } },
        outputs: 3,
      })
    : [
        emitLinear(g, `${attn}/q_proj`, normed, w.q, `${name}.self_attn.q_proj`, format),
        emitLinear(g, `${attn}/k_proj`, normed, w.k, `${name}.self_attn.k_proj`, format),
        emitLinear(g, `${attn}/v_proj`, normed, w.v, `${name}.self_attn.v_proj`, format),
      ];
  if (!packed && (q !== VISION_TENSORS.qProj(layer) || k !== VISION_TENSORS.kProj(layer)))
    throw new Error('vision q/k tensor names drifted from tensor-names.ts');

  const scaled = g.op(attn, 'Mul', [q, g.constF([scale ?? 1 / Math.sqrt(d)], [])]);
  const qh = splitHeads(g, attn, scaled, v.heads, d, [0, 2, 1, 3]);
  const kt = splitHeads(g, attn, k, v.heads, d, [0, 2, 3, 1]);
  const vh = splitHeads(g, attn, val, v.heads, d, [0, 2, 1, 3]);
  const scores = g.op(attn, 'MatMul', [qh, kt]);
  const probs = g.op(attn, 'Softmax', [keyBias ? g.op(attn, 'Add', [scores, keyBias]) : scores], { axis: { i: -1 } });
  const context = g.op(attn, 'MatMul', [probs, vh]);
  const merged = g.op(attn, 'Reshape', [
    g.op(attn, 'Transpose', [context], { perm: { ints: [0, 2, 1, 3] } }),
    g.constI64([0, -1, v.hidden]),
  ]);
  return afterAttention(g, scope, name, x, merged, w, v.layerNormEps, format);
}

/**
 * The block after its attention: residual = x + out_proj(context), then residual + fc2(quick-GELU(fc1(
 * LayerNorm(residual)))). `context` is the heads' output merged back to [batch, tokens, hidden].
 */
export function afterAttention(
  g: GraphBuilder,
  scope: string,
  name: string,
  x: string,
  context: string,
  w: VisionLayerWeights,
  eps: number,
  format: WeightFormat,
): string {
  const attnOut = emitLinear(g, `${scope}/self_attn/out_proj`, context, w.out, `${name}.self_attn.out_proj`, format);
  const residual = g.op(scope, 'Add', [x, attnOut]);
  const normed2 = layerNorm(g, `${scope}/layer_norm2`, residual, w.layerNorm2, `${name}.layer_norm2`, eps);
  const fc1 = emitLinear(g, `${scope}/mlp/fc1`, normed2, w.fc1, `${name}.mlp.fc1`, format);
  const act = `${scope}/mlp/activation_fn`;
  const gelu = g.op(act, 'Mul', [fc1, g.op(act, 'Sigmoid', [g.op(act, 'Mul', [fc1, g.constF([1.702], [])])])]);
  const fc2 = emitLinear(g, `${scope}/mlp/fc2`, gelu, w.fc2, `${name}.mlp.fc2`, format);
  return g.op(scope, 'Add', [residual, fc2]);
}

/** Exact (erf) GELU, as nn.GELU exports at opset 17. */
export function gelu(g: GraphBuilder, scope: string, x: string): string {
  const erf = g.op(scope, 'Erf', [g.op(scope, 'Div', [x, g.constF([Math.SQRT2], [])])]);
  return g.op(scope, 'Mul', [
    g.op(scope, 'Mul', [x, g.op(scope, 'Add', [erf, g.constF([1], [])])]),
    g.constF([0.5], []),
  ]);
}

export function buildVisionGraph(weights: LlavaWeights, format: WeightFormat, packed = false): Uint8Array {
  const { vision: v, text: t } = weights.dims;
  const g = new GraphBuilder('main_graph');
  const pixels = g.input(VISION_TENSORS.input, DataType.FLOAT, ['batch_size', 3, v.imageSize, v.imageSize]);
  let x = embeddings(g, pixels, weights);
  x = layerNorm(g, `${TOWER}/pre_layrnorm`, x, weights.vision.preLayerNorm, `${W}.pre_layrnorm`, v.layerNormEps);
  for (let l = 0; l < usedVisionLayers(v); l++)
    x = encoderLayer(g, x, l, weights.vision.layers[l]!, weights, format, undefined, packed);
  const patches = g.op('', 'Slice', [x, g.constI64([1]), g.constI64([Number.MAX_SAFE_INTEGER]), g.constI64([1])]);
  const hidden = gelu(
    g,
    '/multi_modal_projector/act',
    emitLinear(
      g,
      '/multi_modal_projector/linear_1',
      patches,
      weights.vision.projector1,
      'multi_modal_projector.linear_1',
      format,
    ),
  );
  const scope = '/multi_modal_projector/linear_2';
  const projected = emitLinear(g, scope, hidden, weights.vision.projector2, 'multi_modal_projector.linear_2', format);
  g.node(scope, 'Identity', [projected], { outputNames: [VISION_TENSORS.output] });
  g.output(VISION_TENSORS.output, DataType.FLOAT, ['batch_size', patchCount(v), t.hidden]);
  return g.encode();
}
