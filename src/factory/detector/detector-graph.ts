// onnx/model.onnx of the synthetic detector, with the interface of a DETR export: pixel_values
// [batch, 3, height, width] and pixel_mask [batch, 64, 64] in; logits [batch, 4, 92] (91 label ids + no-object)
// and pred_boxes [batch, 4, 4] (cx, cy, w, h normalised) out. The quadrants are cut at run time from the
// input's shape, so any image size works. See design.ts for the arithmetic.
import { COCO_OBJECTS } from '../../core/caption-objects/coco-objects';
import { GraphBuilder } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { BACKGROUND_RADIUS_SQ, NA_LOGIT, prototypeColour, QUERIES, queryBox, SHARPNESS } from './design';
import { detrLabelId, DETR_LABELS } from './labels';

/** The three per-class constants of the logit: weight on c (2S·p), weight on |c|² (S), bias (-S|p|²). */
function classConstants(): { weight: Float32Array; penalty: Float32Array; bias: Float32Array } {
  const classes = DETR_LABELS.length + 1;
  const weight = new Float32Array(3 * classes);
  const penalty = new Float32Array(classes);
  const bias = new Float32Array(classes).fill(NA_LOGIT);
  COCO_OBJECTS.forEach((name, index) => {
    const id = detrLabelId(name);
    const p = prototypeColour(index);
    for (let ch = 0; ch < 3; ch++) weight[ch * classes + id] = 2 * SHARPNESS * p[ch];
    penalty[id] = SHARPNESS;
    bias[id] = -SHARPNESS * (p[0] ** 2 + p[1] ** 2 + p[2] ** 2);
  });
  bias[classes - 1] = -SHARPNESS * BACKGROUND_RADIUS_SQ;
  return { weight, penalty, bias };
}

export function buildDetectorGraph(): Uint8Array {
  const classes = DETR_LABELS.length + 1;
  const g = new GraphBuilder('main_graph');
  const pixels = g.input('pixel_values', DataType.FLOAT, ['batch_size', 3, 'height', 'width']);
  g.input('pixel_mask', DataType.INT64, ['batch_size', 64, 64]);

  const shape = g.op('/features', 'Shape', [pixels]);
  const size = g.op('/features', 'Slice', [shape, g.constI64([2]), g.constI64([4]), g.constI64([0])]);
  const half = g.op('/features', 'Div', [size, g.constI64([2, 2])]);
  const means: string[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const at = [Math.floor(q / 2), q % 2];
    const starts = g.op(`/features/q${q}`, 'Mul', [half, g.constI64(at)]);
    const ends = g.op(`/features/q${q}`, 'Add', [
      g.op(`/features/q${q}`, 'Mul', [half, g.constI64(at.map((v) => 1 - v))]),
      g.op(`/features/q${q}`, 'Mul', [size, g.constI64(at)]),
    ]);
    const quadrant = g.op(`/features/q${q}`, 'Slice', [pixels, starts, ends, g.constI64([2, 3])]);
    means.push(g.op(`/features/q${q}`, 'ReduceMean', [quadrant], { axes: { ints: [2, 3] }, keepdims: { i: 1 } }));
  }
  const stacked = g.op('/features', 'Concat', means, { axis: { i: 2 } });
  const squeezed = g.op('/features', 'Squeeze', [stacked, g.constI64([3])]);
  const colours = g.op('/features', 'Transpose', [squeezed], { perm: { ints: [0, 2, 1] } });

  const { weight, penalty, bias } = classConstants();
  const cross = g.op('/class_head', 'MatMul', [colours, g.initializer('class_head.weight', weight, [3, classes])]);
  const norm = g.op('/class_head', 'ReduceSumSquare', [colours], { axes: { ints: [2] }, keepdims: { i: 1 } });
  const penalised = g.op('/class_head', 'Sub', [
    cross,
    g.op('/class_head', 'Mul', [norm, g.initializer('class_head.penalty', penalty, [classes])]),
  ]);
  g.node('/class_head', 'Add', [penalised, g.initializer('class_head.bias', bias, [classes])], {
    outputNames: ['logits'],
  });

  const boxes = Float32Array.from({ length: QUERIES * 4 }, (_, i) => queryBox(Math.floor(i / 4))[i % 4]);
  const batch = g.op('/bbox_head', 'Slice', [shape, g.constI64([0]), g.constI64([1]), g.constI64([0])]);
  const target = g.op('/bbox_head', 'Concat', [batch, g.constI64([QUERIES, 4])], { axis: { i: 0 } });
  g.node('/bbox_head', 'Expand', [g.initializer('bbox_head.boxes', boxes, [1, QUERIES, 4]), target], {
    outputNames: ['pred_boxes'],
  });

  g.output('logits', DataType.FLOAT, ['batch_size', QUERIES, classes]);
  g.output('pred_boxes', DataType.FLOAT, ['batch_size', QUERIES, 4]);
  return g.encode([{ domain: '', version: 17 }]);
}
