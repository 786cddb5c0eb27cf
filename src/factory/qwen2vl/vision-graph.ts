// onnx/vision_encoder.onnx as Qwen2-VL exports it: pixel_values [patches, 3 · temporal · patch · patch] (the
// processor's flattened patches, already in 2 × 2-merge order) and grid_thw [1, 3] → image_features [patches / 4,
// text hidden]. Patch embedding is one linear map of each flattened patch (the export's Conv3d with kernel = stride);
// the blocks are pre-LayerNorm ViT blocks with full attention over the image and 2-D rotary positions (a patch's row
// drives the first half of each head's frequency pairs, its column the second half), no CLS; the merger LayerNorms
// every patch, joins each run of four consecutive patches (one 2 × 2 block) and projects them through a GELU MLP. As in
// Hugging Face's eager Qwen2-VL vision attention the export was traced from, the tower keeps no batch axis: hidden
// states [patches, hidden], attention probabilities [heads, patches, patches].
import { gelu, afterAttention, layerNorm } from '../llava/vision-graph';
import { emitLinear } from '../llava/linear-node';
import { headDim } from '../llava/dims';
import type { LayerNormWeights, Linear, LlavaWeights, VisionLayerWeights } from '../llava/weights';
import { GraphBuilder } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { maxPatchSide, patchValues, type Qwen2VLDims } from './dims';

export interface Qwen2VLVisionWeights {
  /** [patchValues, hidden], no bias. */
  readonly patchEmbed: Linear;
  readonly lnQ: LayerNormWeights;
  /** [4 · hidden, 4 · hidden] then GELU, then [4 · hidden, text hidden]. */
  readonly mlp0: Linear;
  readonly mlp2: Linear;
}

/** Angle of rotary dimension e at position p: each axis's pairs use inverse frequencies theta^(-2i / (d / 2)). */
export function visionRotaryAngle(p: number, e: number, d: number, theta: number): number {
  const i = (e % (d / 2)) % (d / 4);
  return p / theta ** ((2 * i) / (d / 2));
}

/** Whether rotary dimension e follows the patch's row (else its column). */
export const followsRow = (e: number, d: number): boolean => e % (d / 2) < d / 4;

const TOWER = '/visual';
const W = 'visual';

/** Row and column of every patch, in the merge order of a grid_thw image: [patches] each. */
function patchRowsCols(g: GraphBuilder, grid: string, m: number): { rows: string; cols: string } {
  const s = `${TOWER}/rot_pos_emb`;
  const side = (axis: number) =>
    g.op(s, 'Div', [
      g.op(s, 'Reshape', [
        g.op(s, 'Slice', [grid, g.constI64([0, axis]), g.constI64([1, axis + 1]), g.constI64([0, 1])]),
        g.constI64([]),
      ]),
      g.constI64([m], []),
    ]);
  const blocks = (axis: number, shape: number[]) =>
    g.op(s, 'Mul', [
      g.op(s, 'Reshape', [g.op(s, 'Range', [g.constI64([0], []), side(axis), g.constI64([1], [])]), g.constI64(shape)]),
      g.constI64([m], []),
    ]);
  const inner = (shape: number[]) =>
    g.constI64(
      Array.from({ length: m }, (_, i) => i),
      shape,
    );
  // Merge order: (block row, block column, row in block, column in block).
  const row = g.op(s, 'Add', [blocks(1, [-1, 1, 1, 1]), inner([1, 1, m, 1])]);
  const col = g.op(s, 'Add', [blocks(2, [1, -1, 1, 1]), inner([1, 1, 1, m])]);
  const zero = (x: string) => g.op(s, 'Mul', [x, g.constI64([0], [])]);
  const flat = (x: string) => g.op(s, 'Reshape', [x, g.constI64([-1])]);
  return { rows: flat(g.op(s, 'Add', [row, zero(col)])), cols: flat(g.op(s, 'Add', [col, zero(row)])) };
}

/** cos or sin of every patch's rotary angles, [1, patches, d]. */
function rotaryTable(
  g: GraphBuilder,
  d: Qwen2VLDims,
  f: (x: number) => number,
  name: string,
  at: { rows: string; cols: string },
) {
  const s = `${TOWER}/rot_pos_emb`;
  const hd = headDim(d.base.vision.hidden, d.base.vision.heads);
  const side = maxPatchSide(d);
  const table = g.initializer(
    `${W}.rotary_pos_emb.${name}_cached`,
    Float32Array.from({ length: side * hd }, (_, i) =>
      f(visionRotaryAngle(Math.floor(i / hd), i % hd, hd, d.visionTheta)),
    ),
    [side, hd],
  );
  const rowMask = g.constF(Array.from({ length: hd }, (_, e) => (followsRow(e, hd) ? 1 : 0)));
  const colMask = g.constF(Array.from({ length: hd }, (_, e) => (followsRow(e, hd) ? 0 : 1)));
  const both = g.op(s, 'Add', [
    g.op(s, 'Mul', [g.op(s, 'Gather', [table, at.rows]), rowMask]),
    g.op(s, 'Mul', [g.op(s, 'Gather', [table, at.cols]), colMask]),
  ]);
  return g.op(s, 'Unsqueeze', [both, g.constI64([0])]);
}

function rotate(g: GraphBuilder, scope: string, x: string, cos: string, sin: string, dim: number): string {
  const half = dim / 2;
  const slice = (start: number, end: number) =>
    g.op(scope, 'Slice', [x, g.constI64([start]), g.constI64([end]), g.constI64([-1])]);
  const rotated = g.op(scope, 'Concat', [g.op(scope, 'Neg', [slice(half, dim)]), slice(0, half)], { axis: { i: -1 } });
  return g.op(scope, 'Add', [g.op(scope, 'Mul', [x, cos]), g.op(scope, 'Mul', [rotated, sin])]);
}

function block(
  g: GraphBuilder,
  x: string,
  l: number,
  w: VisionLayerWeights,
  weights: LlavaWeights,
  cos: string,
  sin: string,
) {
  const v = weights.dims.vision;
  const d = headDim(v.hidden, v.heads);
  const scope = `${TOWER}/blocks.${l}`;
  const name = `${W}.blocks.${l}`;
  const attn = `${scope}/attn`;
  const normed = layerNorm(g, `${scope}/norm1`, x, w.layerNorm1, `${name}.norm1`, v.layerNormEps);
  const heads = (y: string) =>
    g.op(attn, 'Transpose', [g.op(attn, 'Reshape', [y, g.constI64([-1, v.heads, d])])], {
      perm: { ints: [1, 0, 2] },
    });
  const q = rotate(g, attn, heads(emitLinear(g, `${attn}/q`, normed, w.q, `${name}.attn.q`, 'fp32')), cos, sin, d);
  const k = rotate(g, attn, heads(emitLinear(g, `${attn}/k`, normed, w.k, `${name}.attn.k`, 'fp32')), cos, sin, d);
  const val = heads(emitLinear(g, `${attn}/v`, normed, w.v, `${name}.attn.v`, 'fp32'));
  const scores = g.op(attn, 'Mul', [
    g.op(attn, 'MatMul', [q, g.op(attn, 'Transpose', [k], { perm: { ints: [0, 2, 1] } })]),
    g.constF([1 / Math.sqrt(d)], []),
  ]);
  const probs = g.op(attn, 'Softmax', [scores], { axis: { i: -1 } });
  const context = g.op(attn, 'Reshape', [
    g.op(attn, 'Transpose', [g.op(attn, 'MatMul', [probs, val])], { perm: { ints: [1, 0, 2] } }),
    g.constI64([-1, v.hidden]),
  ]);
  return afterAttention(g, scope, name, x, context, w, v.layerNormEps, 'fp32');
}

export function buildVisionGraph(weights: LlavaWeights, tower: Qwen2VLVisionWeights, d: Qwen2VLDims): Uint8Array {
  const v = weights.dims.vision;
  const m = d.mergeSize;
  const g = new GraphBuilder('main_graph');
  const pixels = g.input('pixel_values', DataType.FLOAT, ['num_patches', patchValues(d)]);
  const grid = g.input('grid_thw', DataType.INT64, ['num_images', 3]);
  const at = patchRowsCols(g, grid, m);
  const cos = rotaryTable(g, d, Math.cos, 'cos', at);
  const sin = rotaryTable(g, d, Math.sin, 'sin', at);
  const embedded = emitLinear(
    g,
    `${TOWER}/patch_embed/proj`,
    pixels,
    tower.patchEmbed,
    `${W}.patch_embed.proj`,
    'fp32',
  );
  let x = embedded;
  weights.vision.layers.forEach((w, l) => (x = block(g, x, l, w, weights, cos, sin)));
  const merger = `${TOWER}/merger`;
  const normed = layerNorm(g, `${merger}/ln_q`, x, tower.lnQ, `${W}.merger.ln_q`, 1e-6);
  const joined = g.op(merger, 'Reshape', [normed, g.constI64([-1, m * m * v.hidden])]);
  const hidden = gelu(
    g,
    `${merger}/mlp.1`,
    emitLinear(g, `${merger}/mlp.0`, joined, tower.mlp0, `${W}.merger.mlp.0`, 'fp32'),
  );
  const out = emitLinear(g, `${merger}/mlp.2`, hidden, tower.mlp2, `${W}.merger.mlp.2`, 'fp32');
  g.node(merger, 'Identity', [out], { outputNames: ['image_features'] });
  g.output('image_features', DataType.FLOAT, ['num_image_tokens', d.base.text.hidden]);
  return g.encode();
}
