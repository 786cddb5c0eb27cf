// `npm run bench:redraw`: milliseconds per attention-overlay redraw in headless Chromium — heatmap, layout and
// canvas drawing of image, heatmap, dimmed crop and ten numbered outlines. Budget: one frame (16 ms) for 24 × 24.
// A report, not a test. Headless Chromium draws with its software rasteriser here, so a real browser is faster.
import type { RedrawTiming } from './browser-page/redraw';
import { withBenchPage } from './browser-page/serve';

const timings = await withBenchPage({}, (page) =>
  page.evaluate(() =>
    (window as unknown as { benchRedraw: (sides: number[], n: number) => RedrawTiming[] }).benchRedraw([24, 64], 200),
  ),
);
for (const t of timings)
  console.log(
    `${t.side}×${t.side} grid: median ${t.medianMs.toFixed(2)} ms, p95 ${t.p95Ms.toFixed(2)} ms per redraw (budget 16 ms)`,
  );
