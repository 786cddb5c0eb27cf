import { interpolateMagma, interpolateViridis, rgb } from 'd3';
import { describe, expect, it } from 'vitest';
import { legendStops, wrapLegendLines, type LegendContext } from '../../../src/viz/legend';
import { shareStripPixels } from '../../../src/viz/share-strip';

const d3rgb = (colour: string) => {
  const c = rgb(colour);
  return [c.r, c.g, c.b];
};

describe('the per-token outlier-share strip', () => {
  it('colours each token by its absolute share (t = share, looked up at ⌊t·255⌉) and leaves a token without attention transparent', () => {
    const pixels = shareStripPixels([0, 0.5, 1, Number.NaN, 1.7], 'magma');
    const cell = (i: number) => Array.from(pixels.subarray(i * 4, i * 4 + 4));
    expect(cell(0)).toEqual([...d3rgb(interpolateMagma(0)), 255]);
    // 0.5 · 255 = 127.5 → entry 128, the colour at t = 128/255.
    expect(cell(1)).toEqual([...d3rgb(interpolateMagma(128 / 255)), 255]);
    expect(cell(2)).toEqual([...d3rgb(interpolateMagma(1)), 255]);
    expect(cell(3)).toEqual([0, 0, 0, 0]);
    expect(cell(4), 'a share above 1 is clamped').toEqual(cell(2));
  });
});

describe('the heatmap colour legend', () => {
  it('gives evenly spaced stops from the low to the high end of the colormap', () => {
    const stops = legendStops('viridis', 3);
    // Entries 0, round(0.5·255) = 128 and 255.
    expect(stops).toEqual([0, 128 / 255, 1].map((t) => `rgb(${d3rgb(interpolateViridis(t)).join(', ')})`));
  });
});

describe('the legend band of an exported overlay', () => {
  it('breaks each line at spaces to fit the width, keeping a word longer than the width whole', () => {
    // A font where every character is 10 px wide: 100 px hold 10 characters.
    const ctx = { measureText: (text: string) => ({ width: text.length * 10 }) } as unknown as LegendContext;
    expect(wrapLegendLines(ctx, ['Layers 0–1 of 2, mean of the heads', 'Model synthetic-llava-tiny'], 100, 12)).toEqual(
      ['Layers 0–1', 'of 2, mean', 'of the', 'heads', 'Model', 'synthetic-llava-tiny'],
    );
  });
});
