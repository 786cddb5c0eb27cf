import { describe, expect, it } from 'vitest';
import { asPatchIndex, patchGrid, planProcessor, processorStepsFromHfConfig } from '../../../src/core/geometry';
import { heatmap } from '../../../src/viz/heatmap';
import type { HeatmapOptions } from '../../../src/viz/heatmap';
import { overlayLayout } from '../../../src/viz/overlay';
import { sortedScoreChart } from '../../../src/viz/scales';
import { fileSnapshot, sha256, stableJson } from '../../support/file-snapshot';
import { encodePng } from '../../support/png';

// A CLS-like map without randomness: a broad bump where the object is plus three sharp "outlier" patches in the
// background, the pattern DAMRO describes. Changing it changes every snapshot below.
const GRID = patchGrid(24, 24);
const OUTLIERS = [3 * 24 + 20, 18 * 24 + 2, 21 * 24 + 19];
function clsLikeMap(): Float32Array {
  const values = new Float32Array(576);
  for (let r = 0; r < 24; r++) {
    for (let c = 0; c < 24; c++) values[r * 24 + c] = 0.001 + 0.004 * Math.exp(-((r - 11) ** 2 + (c - 9) ** 2) / 40);
  }
  OUTLIERS.forEach((p, i) => (values[p] = 0.2 - 0.05 * i));
  return values;
}

function expectSnapshot(name: string, text: string, artifacts?: Record<string, Uint8Array>): void {
  const verdict = fileSnapshot(name, text, artifacts);
  expect(verdict.matches, verdict.message).toBe(true);
}

describe('viz file snapshots (test/snapshots/viz)', () => {
  it.each<[string, Partial<HeatmapOptions>]>([
    ['min-max-viridis', { normalize: 'min-max', colormap: 'viridis', opacity: 1 }],
    ['log-magma', { normalize: 'log', colormap: 'magma', opacity: 1 }],
    [
      'percentile-clip-turbo',
      { normalize: 'percentile-clip', normalizeOptions: { percentile: 99 }, colormap: 'turbo', opacity: 0.6 },
    ],
  ])('24×24 heatmap, %s: RGBA hash (PNG ×8 beside it)', (name, options) => {
    const rgba = heatmap(clsLikeMap(), GRID, options);
    const record = {
      grid: GRID,
      options,
      sha256: sha256(rgba),
      firstPixel: Array.from(rgba.subarray(0, 4)),
      outlierPixel: Array.from(rgba.subarray(OUTLIERS[0] * 4, OUTLIERS[0] * 4 + 4)),
    };
    expectSnapshot(`viz/heatmap-24x24-${name}.json`, stableJson(record), {
      [`viz/heatmap-24x24-${name}.png`]: encodePng(rgba, 24, 24, 8),
    });
  });

  it('overlay layout of a 640×480 image through CLIP-336 in a 400×300 view', () => {
    const plan = planProcessor(
      { width: 640, height: 480 },
      processorStepsFromHfConfig({
        size: { shortest_edge: 336 },
        do_center_crop: true,
        crop_size: { height: 336, width: 336 },
      }),
    );
    const layout = overlayLayout({
      display: { width: 400, height: 300 },
      plan,
      grid: GRID,
      outliers: OUTLIERS.map((p) => asPatchIndex(GRID, p)),
    });
    expectSnapshot('viz/overlay-640x480-clip336.json', stableJson(layout));
  });

  it('sorted CLS score chart, k = 3', () => {
    const chart = sortedScoreChart(clsLikeMap(), 3, { width: 240, height: 96 });
    expectSnapshot(
      'viz/score-chart-24x24-k3.json',
      stableJson({ ...chart, bars: chart.bars.slice(0, 12), barCount: chart.bars.length }),
    );
  });
});
