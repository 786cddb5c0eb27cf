// What one attention-overlay redraw costs in a real browser: heatmap RGBA, layout, and drawing image, heatmap,
// dimmed crop and numbered outlines onto a 2-D canvas (the work behind every token click or colormap change).
import { asPatchIndex, patchGrid, planProcessor, processorStepsFromHfConfig } from '../../../src/core/geometry';
import { heatmap } from '../../../src/viz/heatmap';
import { drawOverlay, heatmapSource, overlayLayout } from '../../../src/viz/overlay';

export interface RedrawTiming {
  readonly side: number;
  readonly medianMs: number;
  readonly p95Ms: number;
}

const createCanvas = (width: number, height: number) =>
  Object.assign(document.createElement('canvas'), { width, height });

export function benchRedraw(sides: readonly number[], iterations: number): RedrawTiming[] {
  const canvas = createCanvas(800, 600);
  document.body.append(canvas);
  const ctx = canvas.getContext('2d')!;
  const photo = createCanvas(640, 480);
  const photoCtx = photo.getContext('2d')!;
  photoCtx.fillStyle = '#7a8a6a';
  photoCtx.fillRect(0, 0, 640, 480);
  return sides.map((side) => {
    const grid = patchGrid(side, side);
    const crop = side * 14;
    const plan = planProcessor(
      { width: 640, height: 480 },
      processorStepsFromHfConfig({ size: { shortest_edge: crop }, do_center_crop: true, crop_size: crop }),
    );
    const outliers = Array.from({ length: 10 }, (_, i) => asPatchIndex(grid, (i * 37) % (side * side)));
    const values = Float32Array.from({ length: side * side }, (_, i) => Math.sin(i * 0.37) ** 6);
    const redraw = () => {
      const rgba = heatmap(values, grid, { normalize: 'min-max', colormap: 'turbo' });
      const layout = overlayLayout({ display: { width: 800, height: 600 }, plan, grid, outliers });
      drawOverlay(ctx, layout, {
        image: photo,
        heatmap: { source: heatmapSource(rgba, grid, createCanvas), smooth: false },
      });
      // Reading one pixel back makes the browser finish the drawing inside the timed span.
      ctx.getImageData(400, 300, 1, 1);
    };
    for (let i = 0; i < 20; i++) redraw();
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      redraw();
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    return { side, medianMs: samples[Math.floor(iterations / 2)], p95Ms: samples[Math.floor(iterations * 0.95)] };
  });
}
