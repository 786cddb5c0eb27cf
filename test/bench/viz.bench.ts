// `npm run bench:viz`: milliseconds per redraw of the attention overlay's pure parts (heatmap RGBA + layout), the
// work the UI repeats on every colormap, normalisation or token change. The budget is one frame (16 ms) for
// 24 × 24. Canvas drawing is not included: it needs a browser. A report, not a test: it asserts nothing.
import { asPatchIndex, patchGrid, planProcessor, processorStepsFromHfConfig } from '../../src/core/geometry';
import type { PatchGrid } from '../../src/core/geometry';
import type { NormalizerName } from '../../src/core/attention/normalize';
import { heatmap } from '../../src/viz/heatmap';
import { overlayLayout } from '../../src/viz/overlay';
import { sortedScoreChart } from '../../src/viz/scales';

function timeIt(run: () => unknown, iterations: number): { median: number; p95: number } {
  for (let i = 0; i < Math.min(50, iterations); i++) run();
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    run();
    samples[i] = performance.now() - start;
  }
  samples.sort();
  return { median: samples[Math.floor(iterations / 2)], p95: samples[Math.floor(iterations * 0.95)] };
}

function mapFor(grid: PatchGrid): Float32Array {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Float32Array.from({ length: grid.rows * grid.cols }, () => next() ** 6);
}

const rows: string[][] = [['grid', 'step', 'median ms', 'p95 ms']];
for (const side of [24, 64]) {
  const grid = patchGrid(side, side);
  const values = mapFor(grid);
  const patchPx = 14;
  const crop = side * patchPx;
  const plan = planProcessor(
    { width: 640, height: 480 },
    processorStepsFromHfConfig({ size: { shortest_edge: crop }, do_center_crop: true, crop_size: crop }),
  );
  const outliers = Array.from({ length: 10 }, (_, i) => asPatchIndex(grid, (i * 37) % (side * side)));
  const layout = () => overlayLayout({ display: { width: 800, height: 600 }, plan, grid, outliers });
  const label = `${side}×${side}`;
  const report = (step: string, run: () => unknown, iterations = 2000) => {
    const { median, p95 } = timeIt(run, iterations);
    rows.push([label, step, median.toFixed(4), p95.toFixed(4)]);
  };
  for (const normalize of ['min-max', 'sum-to-one', 'log', 'percentile-clip'] satisfies NormalizerName[]) {
    report(`heatmap ${normalize}`, () => heatmap(values, grid, { normalize, colormap: 'viridis' }));
  }
  report('overlayLayout (k = 10)', layout);
  report('redraw = heatmap min-max + overlayLayout', () => {
    heatmap(values, grid, { normalize: 'min-max', colormap: 'turbo' });
    return layout();
  });
  report('sortedScoreChart (k = 10)', () => sortedScoreChart(values, 10, { width: 320, height: 120 }), 500);
}

const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows)
  console.log(r.map((cell, c) => (c >= 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '));
