import { interpolateViridis, rgb } from 'd3';
import { describe, expect, it } from 'vitest';
import { textAttentionCells } from '../../../src/viz/text-attention';

const viridis = (t: number) => {
  const c = rgb(interpolateViridis(t));
  return `rgb(${c.r}, ${c.g}, ${c.b})`;
};

describe('text attention cells', () => {
  it('colours each text token on the min-max scale of the heatmaps, with readable ink', () => {
    // min-max of [0.1, 0.3, 0.5]: t = 0, 0.5, 1 → LUT entries 0, round(127.5) = 128, 255.
    const cells = textAttentionCells(Float32Array.from([0.1, 0.3, 0.5]), { colormap: 'viridis', normalize: 'min-max' });
    expect(cells.map((c) => c.background)).toEqual([viridis(0), viridis(128 / 255), viridis(1)]);
    // Viridis' dark purple rgb(68, 1, 84) has luminance ≈ 0.02 < 0.179: white ink. Its teal at entry 128,
    // about rgb(33, 145, 140), has 0.2126·0.015 + 0.7152·0.283 + 0.0722·0.262 ≈ 0.22: black ink, as on the yellow.
    expect(cells.map((c) => c.ink)).toEqual(['#fff', '#000', '#000']);
  });

  it('stretches sum-to-one shares from 0 to the largest, as the image heatmaps do', () => {
    // Shares 0.2, 0.8 of a total of 1: the domain is [0, 0.8], so t = 0.25 → entry round(63.75) = 64, and 1.
    const cells = textAttentionCells(Float32Array.from([0.2, 0.8]), { colormap: 'viridis', normalize: 'sum-to-one' });
    expect(cells.map((c) => c.background)).toEqual([viridis(64 / 255), viridis(1)]);
  });

  it('has no cells for no text', () => {
    expect(textAttentionCells(new Float32Array(0), { colormap: 'viridis', normalize: 'min-max' })).toEqual([]);
  });
});
