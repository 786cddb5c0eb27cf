// The cache-assembly model on ORT through its runner: each prompt's cache padded to the common width (on the left,
// padded slots repeating key 0; on the right, repeating the last key; the mask hides them), stacked and gathered into
// rows; for both cache types the decoder may use (float16 values are compared as bit patterns: Gather and Concat copy
// them untouched); and a hybrid decoder's convolution states, stacked into rows without padding.
import { describe, expect, it } from 'vitest';
import { CacheAssembler } from '../../src/engine/decode/cache-assembler';
import { cacheNames, stateIndices } from '../../src/engine/decode/ort-runner';
import { ort } from '../../src/engine/runtime/ort';

const open = (bytes: Uint8Array) => ort.InferenceSession.create(bytes);

describe('cache assembly', () => {
  it('pads each prompt on the left along the key axis and places prompts into rows (float32)', async () => {
    const assembler = new CacheAssembler(2, 'float32', open);
    // Prompt 0 has 3 keys, prompt 1 has 1; [batch 1, heads 1, keys, dim 1], two cache tensors each.
    const cache = (values: number[]) => new ort.Tensor('float32', Float32Array.from(values), [1, 1, values.length, 1]);
    const out = await assembler.assemble(
      [
        [cache([1, 2, 3]), cache([10, 20, 30])],
        [cache([9]), cache([90])],
      ],
      [3, 1],
      [0, 0, 1],
    );
    expect(out[0]!.dims).toEqual([3, 1, 3, 1]);
    // Rows 0 and 1 copy prompt 0; row 2 is prompt 1 behind two padded slots that repeat its key 0.
    expect(Array.from(out[0]!.data as Float32Array)).toEqual([1, 2, 3, 1, 2, 3, 9, 9, 9]);
    expect(Array.from(out[1]!.data as Float32Array)).toEqual([10, 20, 30, 10, 20, 30, 90, 90, 90]);
    await assembler.release();
  });

  it('pads on the right for GroupQueryAttention: a short prompt keeps its keys first, then repeats its last key', async () => {
    const assembler = new CacheAssembler(1, 'float32', open);
    const cache = (values: number[]) => new ort.Tensor('float32', Float32Array.from(values), [1, 1, values.length, 1]);
    const [out] = await assembler.assemble([[cache([1, 2, 3])], [cache([8, 9])]], [3, 2], [0, 1, 1], 'right');
    expect(out!.dims).toEqual([3, 1, 3, 1]);
    expect(Array.from(out!.data as Float32Array)).toEqual([1, 2, 3, 8, 9, 9, 8, 9, 9]);
    await assembler.release();
  });

  it('copies one float16 prompt into two rows bit for bit', async () => {
    const assembler = new CacheAssembler(1, 'float16', open);
    // 1.0, 2.0, 3.0, 4.0 in IEEE half precision, as [1, 2 heads, 2 keys, 1].
    const half = new ort.Tensor('float16', Uint16Array.from([0x3c00, 0x4000, 0x4200, 0x4400]), [1, 2, 2, 1]);
    const [out] = await assembler.assemble([[half]], [2], [0, 0]);
    expect(out!.type).toBe('float16');
    expect(out!.dims).toEqual([2, 2, 2, 1]);
    expect(Array.from(out!.data as Uint16Array)).toEqual([
      0x3c00, 0x4000, 0x4200, 0x4400, 0x3c00, 0x4000, 0x4200, 0x4400,
    ]);
    await assembler.release();
  });

  it('stacks a convolution state [1, channels, taps] into rows unpadded, beside a key cache padded on the left', async () => {
    // Layer 0 is a convolution, layer 1 attention: cache tensors past_conv.0, key 1, value 1; the state is index 0.
    const layout = { layers: 2, convLayers: [0] };
    expect(cacheNames(layout, 'past')).toEqual(['past_conv.0', 'past_key_values.1.key', 'past_key_values.1.value']);
    expect(cacheNames(layout, 'present')).toEqual(['present_conv.0', 'present.1.key', 'present.1.value']);
    expect([...stateIndices(layout)]).toEqual([0]);
    const assembler = new CacheAssembler(3, 'float32', open, stateIndices(layout));
    const state = (values: number[]) => new ort.Tensor('float32', Float32Array.from(values), [1, 2, 3]);
    const keys = (values: number[]) => new ort.Tensor('float32', Float32Array.from(values), [1, 1, values.length, 1]);
    // Prompt 0 has 3 keys, prompt 1 has 1; rows 0 and 1 take prompt 0, row 2 prompt 1.
    const out = await assembler.assemble(
      [
        [state([1, 2, 3, 4, 5, 6]), keys([1, 2, 3]), keys([10, 20, 30])],
        [state([7, 8, 9, 10, 11, 12]), keys([9]), keys([90])],
      ],
      [3, 1],
      [0, 0, 1],
    );
    expect(out[0]!.dims).toEqual([3, 2, 3]);
    expect(Array.from(out[0]!.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(Array.from(out[1]!.data as Float32Array)).toEqual([1, 2, 3, 1, 2, 3, 9, 9, 9]);
    expect(Array.from(out[2]!.data as Float32Array)).toEqual([10, 20, 30, 10, 20, 30, 90, 90, 90]);
    await assembler.release();
  });
});
