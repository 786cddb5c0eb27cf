import { describe, expect, it } from 'vitest';
import { LensError } from '../../../src/protocol/errors';
import { colormapDefaults, colormapLut, colormapNames, LUT_SIZE } from '../../../src/viz/colormap';

const entry = (lut: Uint8ClampedArray, i: number) => Array.from(lut.subarray(i * 4, i * 4 + 4));

describe('colormap lookup tables', () => {
  it('viridis and magma end at matplotlib’s endpoint colours', () => {
    // matplotlib viridis(0) = (0.267004, 0.004874, 0.329415), viridis(1) = (0.993248, 0.906157, 0.143936).
    expect(entry(colormapLut('viridis'), 0)).toEqual([68, 1, 84, 255]);
    expect(entry(colormapLut('viridis'), LUT_SIZE - 1)).toEqual([253, 231, 37, 255]);
    // magma(0) = (0.001462, 0.000466, 0.013866), magma(1) = (0.987053, 0.991438, 0.749504).
    expect(entry(colormapLut('magma'), 0)).toEqual([0, 0, 4, 255]);
    expect(entry(colormapLut('magma'), LUT_SIZE - 1)).toEqual([252, 253, 191, 255]);
  });

  it('greys runs from white to black and is monotone', () => {
    const lut = colormapLut('greys');
    expect(entry(lut, 0)).toEqual([255, 255, 255, 255]);
    expect(entry(lut, 255)).toEqual([0, 0, 0, 255]);
    for (let i = 1; i < LUT_SIZE; i++) expect(lut[i * 4]).toBeLessThanOrEqual(lut[(i - 1) * 4]);
  });

  it('every registered map compiles to 256 opaque entries and is cached', () => {
    expect(colormapNames).toEqual(expect.arrayContaining(['viridis', 'magma', 'inferno', 'turbo', 'greys']));
    for (const name of colormapNames) {
      const lut = colormapLut(name);
      expect(lut).toHaveLength(LUT_SIZE * 4);
      for (let i = 0; i < LUT_SIZE; i++) expect(lut[i * 4 + 3]).toBe(255);
      expect(colormapLut(name)).toBe(lut);
    }
    expect(colormapNames).toContain(colormapDefaults.name);
  });

  it('an unknown name is a bad-request LensError that lists the valid names', () => {
    let thrown: unknown;
    try {
      colormapLut('jet');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(LensError);
    expect((thrown as LensError).code).toBe('bad-request');
    expect((thrown as LensError).message).toMatch(/colormap "jet".*viridis, magma/);
    expect(() => colormapLut('toString')).toThrow(/colormap/);
  });
});
