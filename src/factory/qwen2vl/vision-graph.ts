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
import { MASK_MIN } from '../llava/decoder-graph';
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
  mask?: string,
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
  const probs = g.op(attn, 'Softmax', [mask ? g.op(attn, 'Add', [scores, mask]) : scores], { axis: { i: -1 } });
  const context = g.op(attn, 'Reshape', [
    g.op(attn, 'Transpose', [g.op(attn, 'MatMul', [probs, val])], { perm: { ints: [1, 0, 2] } }),
    g.constI64([-1, v.hidden]),
  ]);
  return afterAttention(g, scope, name, x, context, w, v.layerNormEps, 'fp32');
}

interface WindowOrder {
  /** Token indices (raster on the token grid) in window order, [tokens]. */
  readonly order: string;
  /** [patches, patches] additive mask: 0 within a window, MASK_MIN across windows (window order). */
  readonly mask: string;
}

/**
 * Qwen2.5-VL's window order from grid_thw: the token grid padded with -100 to whole windows plus one, cut into
 * windows row by window row, each read row by row, the padding dropped.
 */
function windowOrder(g: GraphBuilder, grid: string, m: number, ws: number): WindowOrder {
  const s = `${TOWER}/get_window_index`;
  const c = (values: number[], dims?: number[]) => g.constI64(values, dims);
  const scalar = (axis: number) =>
    g.op(s, 'Div', [
      g.op(s, 'Reshape', [g.op(s, 'Slice', [grid, c([0, axis]), c([1, axis + 1]), c([0, 1])]), c([])]),
      c([m], []),
    ]);
  const one = (x: string) => g.op(s, 'Unsqueeze', [x, c([0])]);
  const rows = scalar(1);
  const cols = scalar(2);
  const pad = (n: string) => g.op(s, 'Sub', [c([ws], []), g.op(s, 'Mod', [n, c([ws], [])])]);
  const [padRows, padCols] = [pad(rows), pad(cols)];
  const index = g.op(s, 'Reshape', [
    g.op(s, 'Range', [c([0], []), g.op(s, 'Mul', [rows, cols]), c([1], [])]),
    g.op(s, 'Concat', [one(rows), one(cols)], { axis: { i: 0 } }),
  ]);
  const pads = g.op(s, 'Concat', [c([0, 0]), one(padRows), one(padCols)], { axis: { i: 0 } });
  const padded = g.op(s, 'Pad', [index, pads, c([-100], [])]);
  const windowsDown = g.op(s, 'Div', [g.op(s, 'Add', [rows, padRows]), c([ws], [])]);
  const windowsAcross = g.op(s, 'Div', [g.op(s, 'Add', [cols, padCols]), c([ws], [])]);
  const split = g.op(s, 'Concat', [one(windowsDown), c([ws]), one(windowsAcross), c([ws])], { axis: { i: 0 } });
  const flat = g.op(s, 'Reshape', [
    g.op(s, 'Transpose', [g.op(s, 'Reshape', [padded, split])], { perm: { ints: [0, 2, 1, 3] } }),
    c([-1]),
  ]);
  const keep = g.op(s, 'Not', [g.op(s, 'Equal', [flat, c([-100], [])])]);
  const order = g.op(s, 'Compress', [flat, keep], { axis: { i: 0 } });
  // Each padded slot's window, dropped alike; then each token's window repeated for its merge² patches.
  const windows = g.op(s, 'Range', [c([0], []), g.op(s, 'Mul', [windowsDown, windowsAcross]), c([1], [])]);
  const slots = g.op(s, 'Concat', [one(windowsDown), one(windowsAcross), c([ws, ws])], { axis: { i: 0 } });
  const windowOfSlot = g.op(s, 'Expand', [
    g.op(s, 'Reshape', [
      windows,
      g.op(s, 'Concat', [one(windowsDown), one(windowsAcross), c([1, 1])], { axis: { i: 0 } }),
    ]),
    slots,
  ]);
  const windowOfToken = g.op(s, 'Compress', [g.op(s, 'Reshape', [windowOfSlot, c([-1])]), keep], { axis: { i: 0 } });
  const windowOfPatch = g.op(s, 'Reshape', [
    g.op(s, 'Expand', [g.op(s, 'Unsqueeze', [windowOfToken, c([1])]), c([1, m * m])]),
    c([-1]),
  ]);
  const same = g.op(s, 'Equal', [
    g.op(s, 'Unsqueeze', [windowOfPatch, c([1])]),
    g.op(s, 'Unsqueeze', [windowOfPatch, c([0])]),
  ]);
  const mask = g.op(s, 'Where', [same, g.constF([0], []), g.constF([MASK_MIN], [])]);
  return { order, mask };
}

/** Rows [patches, width] regrouped merge² patches at a time into the order of `order` (token indices). */
function inWindowOrder(g: GraphBuilder, x: string, order: string, m: number, width: number): string {
  const s = `${TOWER}/window_order`;
  const groups = g.op(s, 'Reshape', [x, g.constI64([-1, m * m * width])]);
  return g.op(s, 'Reshape', [g.op(s, 'Gather', [groups, order], { axis: { i: 0 } }), g.constI64([-1, width])]);
}

/** The inverse permutation of `order`: inverse[order[i]] = i. */
function reverseOrder(g: GraphBuilder, order: string): string {
  const s = `${TOWER}/reverse_indices`;
  const count = g.op(s, 'Reshape', [g.op(s, 'Shape', [order]), g.constI64([])]);
  const positions = g.op(s, 'Range', [g.constI64([0], []), count, g.constI64([1], [])]);
  return g.op(s, 'ScatterElements', [order, order, positions], { axis: { i: 0 } });
}

export function buildVisionGraph(weights: LlavaWeights, tower: Qwen2VLVisionWeights, d: Qwen2VLDims): Uint8Array {
  const v = weights.dims.vision;
  const m = d.mergeSize;
  const g = new GraphBuilder('main_graph');
  const pixels = g.input('pixel_values', DataType.FLOAT, ['num_patches', patchValues(d)]);
  const grid = g.input(d.gridInput, DataType.INT64, ['num_images', 3]);
  const at = patchRowsCols(g, grid, m);
  const hd = headDim(v.hidden, v.heads);
  const windows = d.windows && windowOrder(g, grid, m, d.windows.tokens);
  // The windowed tower runs on the patches (and their rotary angles) in window order.
  const table = (f: (x: number) => number, name: string) => {
    const rows = rotaryTable(g, d, f, name, at);
    if (!windows) return rows;
    const flat = g.op(`${TOWER}/window_order`, 'Reshape', [rows, g.constI64([-1, hd])]);
    return g.op(`${TOWER}/window_order`, 'Unsqueeze', [inWindowOrder(g, flat, windows.order, m, hd), g.constI64([0])]);
  };
  const cos = table(Math.cos, 'cos');
  const sin = table(Math.sin, 'sin');
  const embedded = emitLinear(
    g,
    `${TOWER}/patch_embed/proj`,
    pixels,
    tower.patchEmbed,
    `${W}.patch_embed.proj`,
    'fp32',
  );
  let x = windows ? inWindowOrder(g, embedded, windows.order, m, v.hidden) : embedded;
  const windowed = (l: number) => windows && !d.windows!.fullBlocks.includes(l);
  weights.vision.layers.forEach(
    (w, l) => (x = block(g, x, l, w, weights, cos, sin, windowed(l) ? windows!.mask : undefined)),
  );
  const merger = `${TOWER}/merger`;
  const normed = layerNorm(g, `${merger}/ln_q`, x, tower.lnQ, `${W}.merger.ln_q`, 1e-6);
  const joined = g.op(merger, 'Reshape', [normed, g.constI64([-1, m * m * v.hidden])]);
  const hidden = gelu(
    g,
    `${merger}/mlp.1`,
    emitLinear(g, `${merger}/mlp.0`, joined, tower.mlp0, `${W}.merger.mlp.0`, 'fp32'),
  );
  const merged = emitLinear(g, `${merger}/mlp.2`, hidden, tower.mlp2, `${W}.merger.mlp.2`, 'fp32');
  // Back from window order: token order[i] is row i, so row order[i] of the output takes it.
  const out = windows ? g.op(merger, 'Gather', [merged, reverseOrder(g, windows.order)], { axis: { i: 0 } }) : merged;
  g.node(merger, 'Identity', [out], { outputNames: ['image_features'] });
  g.output('image_features', DataType.FLOAT, ['num_image_tokens', d.base.text.hidden]);
  return g.encode();
}
