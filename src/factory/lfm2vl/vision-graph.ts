// onnx/vision_encoder.onnx of an LFM2-VL export: pixel_values [batch_size, max_num_patches, 3·p²] (each tile's
// patches flattened in raster order, channels innermost, zero-padded to max_num_patches), pixel_attention_mask
// [batch_size, max_num_patches] int64 (1 on real patches) and spatial_shapes [batch_size, 2] int64 (the tile's
// patch rows and columns) → image_features [image tokens, text hidden].
// A SigLIP2 NaFlex-like tower: a linear patch embedding, the learned side × side position grid resized (bilinear) to
// the tile's own patch grid and added to its real patches, encoder
// layers whose attention ignores padded patches, post-LayerNorm; then LFM2-VL's projector: the real patches as
// their rows × cols grid, pixel-unshuffled so image token (i, j) holds patches (2i + a, 2j + b), a, b < 2 (channels
// in (a, b, channel) order), LayerNorm, linear, GELU, linear. Tokens come out in raster order over the token grid.
// The graph takes ONE tile (the processor's single-tile path for images up to its token budget), as DAMRO Lens
// feeds it; a real export loops over tiles of different shapes.
// Siglip2VisionEmbeddings resizes with antialiasing, which changes nothing when the grid grows (a full tile's grid is
// larger than the position grid, in the real models as here); the Resize here has no antialias attribute, since ORT's
// WebGPU Resize refuses it.
import { GraphBuilder } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { emitLinear } from '../llava/linear-node';
import { encoderLayer, gelu, layerNorm } from '../llava/vision-graph';
import type { Linear, LlavaWeights, WeightSource } from '../llava/weights';
import { MASK_MIN } from '../llava/decoder-graph';
import { towerNorm } from '../siglip/vision-encoder';
import { maxPatches, patchDim, type Lfm2VlDims } from './dims';

const TOWER = '/vision_tower/vision_model';
const W = 'vision_tower.vision_model';
const PROJECTOR = '/multi_modal_projector';

export interface Lfm2VlVisionExtras {
  /** nn.Linear(3·p², hidden) over a flattened patch. */
  readonly patchEmbedding: Linear;
  readonly postLayerNorm: { gamma: Float32Array; beta: Float32Array };
  readonly projectorNorm: { gamma: Float32Array; beta: Float32Array };
  readonly projector1: Linear;
  readonly projector2: Linear;
}

export function makeVisionExtras(d: Lfm2VlDims, src: WeightSource): Lfm2VlVisionExtras {
  const h = d.base.vision.hidden;
  const t = d.base.text.hidden;
  const unshuffled = h * d.downsample ** 2;
  return {
    patchEmbedding: src.linear('vision.patch_embedding', patchDim(d), h, true),
    postLayerNorm: src.layerNorm('vision.post_layernorm', h),
    projectorNorm: src.layerNorm('multi_modal_projector.layer_norm', unshuffled),
    projector1: src.linear('multi_modal_projector.linear_1', unshuffled, t, true),
    projector2: src.linear('multi_modal_projector.linear_2', t, t, true),
  };
}

/** The position table [side², hidden] (the llava generator's, CLS row skipped) as an image [1, hidden, side, side]. */
function positionGrid(weights: LlavaWeights, d: Lfm2VlDims): Float32Array {
  const h = d.base.vision.hidden;
  const n = d.positionSide ** 2;
  const table = weights.vision.positionEmbedding.subarray(h, (n + 1) * h);
  const grid = new Float32Array(h * n);
  for (let p = 0; p < n; p++) for (let c = 0; c < h; c++) grid[c * n + p] = table[p * h + c]!;
  return grid;
}

export function buildLfm2VlVisionGraph(weights: LlavaWeights, extras: Lfm2VlVisionExtras, d: Lfm2VlDims): Uint8Array {
  const v = d.base.vision;
  const h = v.hidden;
  const s = d.downsample;
  const g = new GraphBuilder('main_graph');
  const pixels = g.input('pixel_values', DataType.FLOAT, ['batch_size', maxPatches(d), patchDim(d)]);
  const mask = g.input('pixel_attention_mask', DataType.INT64, ['batch_size', maxPatches(d)]);
  const shapes = g.input('spatial_shapes', DataType.INT64, ['batch_size', 2]);

  const emb = `${TOWER}/embeddings`;
  const patches = emitLinear(
    g,
    `${emb}/patch_embedding`,
    pixels,
    extras.patchEmbedding,
    `${W}.embeddings.patch_embedding`,
    'fp32',
  );
  // The tile's patch grid [rows, cols], and rows·cols real patches.
  const grid = g.op(emb, 'Gather', [shapes, g.constI64([0], [])], { axis: { i: 0 } });
  const real = g.op(emb, 'ReduceProd', [grid], { keepdims: { i: 1 } });
  const table = g.initializer(`${W}.embeddings.position_embedding.weight`, positionGrid(weights, d), [
    1,
    h,
    d.positionSide,
    d.positionSide,
  ]);
  const resized = g.op(
    emb,
    'Resize',
    [table, '', '', g.op(emb, 'Concat', [g.constI64([1, h]), grid], { axis: { i: 0 } })],
    { mode: { s: 'linear' }, coordinate_transformation_mode: { s: 'half_pixel' } },
  );
  const flat = g.op(emb, 'Transpose', [g.op(emb, 'Reshape', [resized, g.constI64([1, h, -1])])], {
    perm: { ints: [0, 2, 1] },
  });
  const padAmount = g.op(emb, 'Sub', [g.constI64([maxPatches(d)]), real]);
  const pads = g.op(emb, 'Concat', [g.constI64([0, 0, 0, 0]), padAmount, g.constI64([0])], { axis: { i: 0 } });
  let x = g.op(emb, 'Add', [patches, g.op(emb, 'Pad', [flat, pads])]);

  // Padded patches: MASK_MIN on their keys, so no real patch attends to them.
  const keep = g.op(TOWER, 'Cast', [mask], { to: { i: DataType.FLOAT } });
  const keyBias = g.op(TOWER, 'Unsqueeze', [
    g.op(TOWER, 'Mul', [g.op(TOWER, 'Sub', [g.constF([1], []), keep]), g.constF([MASK_MIN], [])]),
    g.constI64([1, 2]),
  ]);
  weights.vision.layers.forEach(
    (layer, l) => (x = encoderLayer(g, x, l, layer, weights, 'fp32', undefined, false, keyBias)),
  );
  x = towerNorm(g, TOWER, x, extras.postLayerNorm, v.layerNormEps);

  // The real patches as [1, rows/s, s, cols/s, s, h] → tokens [1, rows/s · cols/s, s·s·h].
  const kept = g.op(PROJECTOR, 'Slice', [x, g.constI64([0]), real, g.constI64([1])]);
  const blocks = g.op(PROJECTOR, 'Div', [grid, g.constI64([s])]);
  const rowBlocks = g.op(PROJECTOR, 'Slice', [blocks, g.constI64([0]), g.constI64([1]), g.constI64([0])]);
  const colBlocks = g.op(PROJECTOR, 'Slice', [blocks, g.constI64([1]), g.constI64([2]), g.constI64([0])]);
  const six = g.op(PROJECTOR, 'Concat', [g.constI64([1]), rowBlocks, g.constI64([s]), colBlocks, g.constI64([s, h])], {
    axis: { i: 0 },
  });
  const unshuffled = g.op(PROJECTOR, 'Reshape', [
    g.op(PROJECTOR, 'Transpose', [g.op(PROJECTOR, 'Reshape', [kept, six])], { perm: { ints: [0, 1, 3, 2, 4, 5] } }),
    g.constI64([1, -1, s * s * h]),
  ]);
  const normed = layerNorm(
    g,
    `${PROJECTOR}/layer_norm`,
    unshuffled,
    extras.projectorNorm,
    'multi_modal_projector.layer_norm',
    1e-5,
  );
  const hidden = gelu(
    g,
    `${PROJECTOR}/act`,
    emitLinear(g, `${PROJECTOR}/linear_1`, normed, extras.projector1, 'multi_modal_projector.linear_1', 'fp32'),
  );
  const projected = emitLinear(
    g,
    `${PROJECTOR}/linear_2`,
    hidden,
    extras.projector2,
    'multi_modal_projector.linear_2',
    'fp32',
  );
  g.node(PROJECTOR, 'Reshape', [projected, g.constI64([-1, d.base.text.hidden])], { outputNames: ['image_features'] });
  g.output('image_features', DataType.FLOAT, ['num_image_tokens', d.base.text.hidden]);
  return g.encode();
}
