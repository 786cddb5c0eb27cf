import { describe, expect, it } from 'vitest';
import { float16ToFloat32 } from '../../../../src/core/tensor/float16';

describe('float16ToFloat32', () => {
  it('decodes normal, subnormal, zero, infinite and NaN half floats exactly', () => {
    const bits = Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00]);
    const values = Array.from(float16ToFloat32(bits));
    expect(values.slice(0, 4)).toEqual([1, -2, 0.333251953125, 65504]);
    expect(values[4]).toBe(2 ** -24);
    expect(Object.is(values[5], 0)).toBe(true);
    expect(Object.is(values[6], -0)).toBe(true);
    expect(values.slice(7, 9)).toEqual([Infinity, -Infinity]);
    expect(values[9]).toBeNaN();
  });
});
