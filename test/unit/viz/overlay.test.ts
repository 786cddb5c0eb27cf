import { describe, expect, expectTypeOf, it } from 'vitest';
import { asPatchIndex, patchGrid, planProcessor, processorStepsFromHfConfig } from '../../../src/core/geometry';
import type { PatchIndex } from '../../../src/core/geometry';
import {
  drawOverlay,
  heatmapSource,
  overlayLayout,
  overlayStyleDefaults,
  patchAtDisplayPoint,
} from '../../../src/viz/overlay';
import type { OverlayContext, PixelCanvas } from '../../../src/viz/overlay';

const CLIP_336 = processorStepsFromHfConfig({
  size: { shortest_edge: 336 },
  do_center_crop: true,
  crop_size: { height: 336, width: 336 },
});
const GRID = patchGrid(24, 24);
// The plan's 0.7 scale is not exact in binary, so compare at 1e-9 px.
const rounded = <T>(value: T): T =>
  JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 1e9) / 1e9 + 0 : v)),
  ) as T;
const box = (r: { x: number; y: number; width: number; height: number }) => rounded([r.x, r.y, r.width, r.height]);

describe('overlayLayout', () => {
  // 640×480 in a 320×320 view: scale 0.5, letterboxed 40 px top and bottom; the crop (x 80..560 of the image)
  // lands at x 40..280; a 20 px patch is 10 display px.
  const plan = planProcessor({ width: 640, height: 480 }, CLIP_336);
  const outliers = [0, 575, 300].map((i) => asPatchIndex(GRID, i));
  const layout = overlayLayout({ display: { width: 320, height: 320 }, plan, grid: GRID, outliers });

  it('places image, crop, heatmap and dimmed bands in display pixels', () => {
    expect(layout.scale).toBe(0.5);
    expect(box(layout.imageRect)).toEqual([0, 40, 320, 240]);
    expect(box(layout.cropRect)).toEqual([40, 40, 240, 240]);
    expect(box(layout.heatmapRect)).toEqual([40, 40, 240, 240]);
    expect(layout.dimRects.map(box)).toEqual([
      [0, 40, 40, 240],
      [280, 40, 40, 240],
    ]);
  });

  it('outlines outliers with ranks 1..k; patch 300 is row 12, col 12 at the crop centre', () => {
    expect(
      rounded(layout.outliers.map((m) => [m.rank, m.patch, ...box(m.rect), m.labelX, m.labelY, m.fontPx])),
    ).toEqual([
      [1, 0, 40, 40, 10, 10, 45, 45, 8],
      [2, 575, 270, 270, 10, 10, 275, 275, 8],
      [3, 300, 160, 160, 10, 10, 165, 165, 8],
    ]);
  });

  it('maps display points back to patches, null in the dimmed bands and the letterbox', () => {
    expect(patchAtDisplayPoint(layout, plan, GRID, 41, 41)).toBe(0);
    expect(patchAtDisplayPoint(layout, plan, GRID, 279, 279)).toBe(575);
    expect(patchAtDisplayPoint(layout, plan, GRID, 39, 100)).toBeNull();
    expect(patchAtDisplayPoint(layout, plan, GRID, 100, 20)).toBeNull();
  });

  it('a padded input (image smaller than the crop) is fitted whole; nothing of the image is dimmed', () => {
    const padded = planProcessor(
      { width: 201, height: 101 },
      processorStepsFromHfConfig({ do_center_crop: true, crop_size: 336 }),
    );
    const l = overlayLayout({ display: { width: 672, height: 400 }, plan: padded, grid: GRID, outliers: [] });
    // Content = the 336×336 model input; scale min(672, 400)/336 = 400/336; centred horizontally.
    const s = 400 / 336;
    expect(l.scale).toBeCloseTo(s, 12);
    const expected = [(672 - 336 * s) / 2, 0, 400, 400];
    box(l.heatmapRect).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 9));
    const image = [expected[0] + 67.5 * s, 117.5 * s, 201 * s, 101 * s];
    box(l.imageRect).forEach((v, i) => expect(v).toBeCloseTo(image[i], 9));
    expect(box(l.cropRect)).toEqual(box(l.imageRect));
    expect(l.dimRects).toEqual([]);
  });

  it('portrait image: bands above and below the crop', () => {
    const l = overlayLayout({
      display: { width: 240, height: 320 },
      plan: planProcessor({ width: 480, height: 640 }, CLIP_336),
      grid: GRID,
      outliers: [],
    });
    expect(l.dimRects.map(box)).toEqual([
      [0, 0, 240, 40],
      [0, 280, 240, 40],
    ]);
  });

  it('rejects an empty view', () => {
    expect(() =>
      overlayLayout({
        display: { width: 0, height: 10 },
        plan: planProcessor({ width: 4, height: 4 }, []),
        grid: patchGrid(1, 1),
        outliers: [],
      }),
    ).toThrow(/display size/);
  });
});

type Call = [string, ...unknown[]];

function recordingContext(): { ctx: OverlayContext; calls: Call[] } {
  const calls: Call[] = [];
  const state: Record<string, unknown> = {};
  const method =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push([name, ...args]);
  const ctx = new Proxy(state, {
    get: (_t, key: string) => (key in state ? state[key] : method(key)),
    set: (_t, key: string, value: unknown) => {
      state[key] = value;
      calls.push([`set ${key}`, value]);
      return true;
    },
  }) as unknown as OverlayContext;
  return { ctx, calls };
}

describe('drawOverlay', () => {
  const plan = planProcessor({ width: 640, height: 480 }, CLIP_336);
  const layout = overlayLayout({
    display: { width: 320, height: 320 },
    plan,
    grid: GRID,
    outliers: [asPatchIndex(GRID, 0)],
  });
  const image = { tag: 'image' } as unknown as CanvasImageSource;
  const heat = { tag: 'heat' } as unknown as CanvasImageSource;

  it('draws image, dim bands, heatmap (smoothing as asked), inset outline and rank, in that order', () => {
    const { ctx, calls } = recordingContext();
    drawOverlay(ctx, layout, { image, heatmap: { source: heat, smooth: false } });
    const w = overlayStyleDefaults.outlineWidth;
    const sources = calls.filter((c) => c[0] === 'drawImage').map((c) => c[1]);
    expect(sources).toEqual([image, heat]);
    expect(rounded(calls)).toEqual([
      ['save'],
      ['clearRect', 0, 0, 320, 320],
      ['drawImage', { tag: 'image' }, 0, 40, 320, 240],
      ['set fillStyle', overlayStyleDefaults.dimFill],
      ['fillRect', 0, 40, 40, 240],
      ['fillRect', 280, 40, 40, 240],
      ['set imageSmoothingEnabled', false],
      ['drawImage', { tag: 'heat' }, 40, 40, 240, 240],
      ['set strokeStyle', overlayStyleDefaults.outlineStroke],
      ['set lineWidth', w],
      ['strokeRect', 40 + w / 2, 40 + w / 2, 10 - w, 10 - w],
      ['set textAlign', 'center'],
      ['set textBaseline', 'middle'],
      ['set lineJoin', 'round'],
      ['set font', `600 8px ${overlayStyleDefaults.fontFamily}`],
      ['set strokeStyle', overlayStyleDefaults.labelHalo],
      ['set lineWidth', 3],
      ['strokeText', '1', 45, 45],
      ['set fillStyle', overlayStyleDefaults.labelFill],
      ['fillText', '1', 45, 45],
      ['restore'],
    ]);
  });

  it('heatmapSource writes the RGBA into a grid-sized canvas', () => {
    const rgba = new Uint8ClampedArray(2 * 3 * 4).map((_, i) => i);
    let put: { data: Uint8ClampedArray; x: number; y: number } | undefined;
    let created: number[] = [];
    const canvas = {
      getContext: () => ({
        createImageData: (w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4), width: w, height: h }),
        putImageData: (data: { data: Uint8ClampedArray }, x: number, y: number) =>
          void (put = { data: data.data, x, y }),
      }),
    } as unknown as PixelCanvas;
    const source = heatmapSource(rgba, patchGrid(2, 3), (w, h) => {
      created = [w, h];
      return canvas;
    });
    expect(source).toBe(canvas);
    expect(created).toEqual([3, 2]);
    expect(put && Array.from(put.data)).toEqual(Array.from(rgba));
    expect(() => heatmapSource(rgba, patchGrid(3, 3), () => canvas)).toThrow(/heatmap length 24/);
  });

  it('accepts the real browser types', () => {
    expectTypeOf<CanvasRenderingContext2D>().toMatchTypeOf<OverlayContext>();
    expectTypeOf<OffscreenCanvasRenderingContext2D>().toMatchTypeOf<OverlayContext>();
    expectTypeOf<OffscreenCanvas>().toMatchTypeOf<PixelCanvas>();
    expectTypeOf<HTMLCanvasElement>().toMatchTypeOf<PixelCanvas>();
    expectTypeOf<PatchIndex>().not.toEqualTypeOf<number>();
  });
});
