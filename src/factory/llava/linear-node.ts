// Emits a linear layer the way the exports do: MatMul (+ Add for the bias) in fp32, or com.microsoft
// MatMulNBits (+ Add) in q4, as ORT's MatMulNBitsQuantizer rewrites it.
import type { GraphBuilder } from '../onnx/graph-builder';
import { Q4_BLOCK, quantizeQ4 } from '../quant/q4';
import type { Linear } from './weights';

export type WeightFormat = 'fp32' | 'q4';

/** Returns the output tensor name; with a bias that is `${scope}/Add_output_0`, else the MatMul's output. */
export function emitLinear(
  g: GraphBuilder,
  scope: string,
  x: string,
  lin: Linear,
  weightName: string,
  format: WeightFormat,
): string {
  let y: string;
  if (format === 'q4') {
    const q = quantizeQ4(lin.weight, lin.inDim, lin.outDim);
    const blocks = Math.ceil(lin.inDim / Q4_BLOCK);
    const b = g.initializer(`${weightName}.weight_Q4`, q.packed, [lin.outDim, blocks, Q4_BLOCK / 2]);
    const scales = g.initializer(`${weightName}.weight_scales`, q.scales, [lin.outDim * blocks]);
    y = g.op(
      scope,
      'MatMulNBits',
      [x, b, scales],
      { K: { i: lin.inDim }, N: { i: lin.outDim }, bits: { i: 4 }, block_size: { i: Q4_BLOCK } },
      'com.microsoft',
    );
  } else {
    y = g.op(scope, 'MatMul', [x, g.initializer(`${weightName}.weight`, lin.weight, [lin.inDim, lin.outDim])]);
  }
  if (!lin.bias) return y;
  return g.op(scope, 'Add', [y, g.initializer(`${weightName}.bias`, lin.bias, [lin.outDim])]);
}
