import { describe, expect, it } from 'vitest';
import { patchGrid } from '../../../src/core/geometry';
import { colormapLut } from '../../../src/viz/colormap';
import { heatmap, heatmapDefaults } from '../../../src/viz/heatmap';

const GRID_2 = patchGrid(2, 2);
const pixels = (rgba: Uint8ClampedArray) =>
  Array.from({ length: rgba.length / 4 }, (_, i) => Array.from(rgba.subarray(i * 4, i * 4 + 4)));
const lutAt = (name: string, i: number, alpha: number) => [
  ...Array.from(colormapLut(name).subarray(i * 4, i * 4 + 3)),
  alpha,
];

describe('heatmap', () => {
  it('2×2 min-max: 0,1,2,3 → LUT entries 0, 85, 170, 255 at the given opacity', () => {
    const out = heatmap(Float32Array.of(0, 1, 2, 3), GRID_2, { normalize: 'min-max', colormap: 'magma', opacity: 0.5 });
    // t = 0, 1/3, 2/3, 1 → round(t·255); alpha round(0.5·255) = 128.
    expect(pixels(out)).toEqual([
      lutAt('magma', 0, 128),
      lutAt('magma', 85, 128),
      lutAt('magma', 170, 128),
      lutAt('magma', 255, 128),
    ]);
  });

  it('defaults: min-max, viridis, opacity 0.6', () => {
    expect(heatmapDefaults).toEqual({ normalize: 'min-max', colormap: 'viridis', opacity: 0.6 });
    expect(pixels(heatmap(Float32Array.of(3, 2, 1, 0), GRID_2))[0]).toEqual(lutAt('viridis', 255, 153));
  });

  it('a constant grid gives the bottom colour everywhere, never NaN', () => {
    const out = heatmap(new Float32Array(4).fill(0.25), GRID_2, { opacity: 1 });
    expect(pixels(out)).toEqual(Array(4).fill(lutAt('viridis', 0, 255)));
  });

  it('log: decades 1e-3..1 spread evenly over the colormap', () => {
    const out = heatmap(Float32Array.of(1e-3, 1e-2, 1e-1, 1), GRID_2, {
      normalize: 'log',
      colormap: 'greys',
      opacity: 1,
    });
    expect(pixels(out)).toEqual([
      lutAt('greys', 0, 255),
      lutAt('greys', 85, 255),
      lutAt('greys', 170, 255),
      lutAt('greys', 255, 255),
    ]);
  });

  it('sum-to-one stretches 0..largest share by default; an explicit domain fixes the scale and clamps', () => {
    const values = Float32Array.of(1, 1, 2, 4); // shares 0.125, 0.125, 0.25, 0.5
    const auto = heatmap(values, GRID_2, { normalize: 'sum-to-one', colormap: 'greys', opacity: 1 });
    expect(pixels(auto)).toEqual([64, 64, 128, 255].map((i) => lutAt('greys', i, 255)));
    const fixed = heatmap(values, GRID_2, {
      normalize: 'sum-to-one',
      colormap: 'greys',
      opacity: 1,
      domain: [0, 0.25],
    });
    expect(pixels(fixed)).toEqual([128, 128, 255, 255].map((i) => lutAt('greys', i, 255)));
  });

  it('percentile-clip keeps one outlier from flattening the rest', () => {
    const values = Float32Array.of(0, 1, 2, 1000);
    const clipped = heatmap(values, GRID_2, {
      normalize: 'percentile-clip',
      normalizeOptions: { percentile: 50 },
      colormap: 'greys',
      opacity: 1,
    });
    // The 50th percentile of 0,1,2,1000 is 1.5: values clip to 0,1,1.5,1.5 → t = 0, 2/3, 1, 1.
    expect(pixels(clipped)).toEqual([0, 170, 255, 255].map((i) => lutAt('greys', i, 255)));
  });

  it('non-finite values (masked patches) are transparent', () => {
    const out = heatmap(Float32Array.of(0, Number.NaN, 1, 2), GRID_2, { opacity: 1 });
    expect(pixels(out)[1]).toEqual([0, 0, 0, 0]);
    expect(pixels(out)[3]).toEqual(lutAt('viridis', 255, 255));
  });

  it('rejects bad options by name', () => {
    expect(() => heatmap(new Float32Array(3), GRID_2)).toThrow(/values length 3.*4 \(a 2×2 grid\)/);
    expect(() => heatmap(new Float32Array(4), GRID_2, { opacity: 2 })).toThrow(/opacity/);
    expect(() => heatmap(new Float32Array(4), GRID_2, { domain: [1, 1] })).toThrow(/domain/);
    expect(() => heatmap(new Float32Array(4), GRID_2, { colormap: 'jet' as never })).toThrow(/colormap "jet"/);
    expect(() => heatmap(new Float32Array(4), GRID_2, { normalize: 'zscore' as never })).toThrow(/zscore/);
  });
});
