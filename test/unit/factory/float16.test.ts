// The q4f16 conversion: half bits by hand, and a converted graph that really computes in float16 behind float32
// inputs and outputs, on ORT wasm.
import { describe, expect, it } from 'vitest';
import { ort } from '../../../src/engine/runtime/ort';
import { scanModel } from '../../../src/engine/onnx/scan';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import { float16Bits, toFloat16Inside } from '../../../src/factory/onnx/float16';

describe('float16 conversion', () => {
  it('rounds to the nearest half and clamps to ±65504', () => {
    expect([1, -2, 0.1, 65504, 1e9, -1e9, 2 ** -24, 0].map(float16Bits)).toEqual([
      0x3c00, 0xc000, 0x2e66, 0x7bff, 0x7bff, 0xfbff, 0x0001, 0,
    ]);
  });

  it('keeps float32 at the boundary while computing in float16 inside (outputs differ from float32 by rounding only)', async () => {
    const q4 = makeLlavaModel({ size: 'tiny', dtype: 'q4' });
    const original = q4.files.get('onnx/vision_encoder_q4.onnx')!;
    const converted = toFloat16Inside(original);
    const scanned = scanModel(converted);
    expect(new Set(scanned.graph.initializers.filter((i) => i.dataType === 1).map((i) => i.name))).toEqual(new Set());
    expect(scanned.graph.initializers.some((i) => i.dataType === 10)).toBe(true);
    const pixels = new ort.Tensor(
      'float32',
      Float32Array.from({ length: 3 * 32 * 32 }, (_, i) => Math.sin(i)),
      [1, 3, 32, 32],
    );
    const run = async (bytes: Uint8Array) => {
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      const out = (await session.run({ pixel_values: pixels })).image_features!;
      await session.release();
      return out;
    };
    const [full, half] = await Promise.all([run(original), run(converted)]);
    expect(half.type).toBe('float32');
    expect(half.dims).toEqual(full.dims);
    const a = full.data as Float32Array;
    const b = half.data as Float32Array;
    const scale = Math.max(...a.map(Math.abs));
    const worst = Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
    expect(worst / scale).toBeGreaterThan(1e-5);
    expect(worst / scale).toBeLessThan(2e-2);
  });
});
