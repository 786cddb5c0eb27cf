// The cache row-copy model on ORT: each output is its input's rows in the order given, for both cache types the
// decoder may use (float16 values are compared as their bit patterns: Gather copies them untouched).
import { describe, expect, it } from 'vitest';
import { ROW_COPY_INDEX, rowCopyInput, rowCopyModel, rowCopyOutput } from '../../src/engine/onnx/row-copy-graph';
import { ort } from '../../src/engine/runtime/ort';

const rows = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [values.length]);

describe('cache row-copy model', () => {
  it('copies rows along the batch axis of every float32 input', async () => {
    const session = await ort.InferenceSession.create(rowCopyModel(2, 'float32'));
    // Two [batch 2, heads 1, length 2, dim 1] tensors: row 0 is [1, 2] / [10, 20], row 1 is [3, 4] / [30, 40].
    const out = await session.run({
      [ROW_COPY_INDEX]: rows([1, 0, 1]),
      [rowCopyInput(0)]: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [2, 1, 2, 1]),
      [rowCopyInput(1)]: new ort.Tensor('float32', Float32Array.from([10, 20, 30, 40]), [2, 1, 2, 1]),
    });
    expect(out[rowCopyOutput(0)]!.dims).toEqual([3, 1, 2, 1]);
    expect(Array.from(out[rowCopyOutput(0)]!.data as Float32Array)).toEqual([3, 4, 1, 2, 3, 4]);
    expect(Array.from(out[rowCopyOutput(1)]!.data as Float32Array)).toEqual([30, 40, 10, 20, 30, 40]);
    await session.release();
  });

  it('copies float16 rows bit for bit', async () => {
    const session = await ort.InferenceSession.create(rowCopyModel(1, 'float16'));
    // 1.0, 2.0, 3.0, 4.0 in IEEE half precision.
    const out = await session.run({ [ROW_COPY_INDEX]: rows([1, 1]), [rowCopyInput(0)]: new ort.Tensor('float16', Uint16Array.from([0x3c00, 0x4000, 0x4200, 0x4400]), [2, 2]) });
    expect(out[rowCopyOutput(0)]!.type).toBe('float16');
    expect(Array.from(out[rowCopyOutput(0)]!.data as Uint16Array)).toEqual([0x4200, 0x4400, 0x4200, 0x4400]);
    await session.release();
  });
});
