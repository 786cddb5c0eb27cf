import { describe, expect, it } from 'vitest';
import {
  asPatchIndex,
  patchAt,
  patchAtImagePoint,
  patchGrid,
  patchRectInImage,
  patchRowCol,
  planProcessor,
  processorStepsFromHfConfig,
} from '../../../../src/core/geometry';
import type { ImagePx, ProcessorPlan } from '../../../../src/core/geometry';

const CLIP_336 = processorStepsFromHfConfig({
  size: { shortest_edge: 336 },
  do_center_crop: true,
  crop_size: { height: 336, width: 336 },
});
const GRID_24 = patchGrid(24, 24);

const asArray = (r: { x: number; y: number; width: number; height: number }) => [r.x, r.y, r.width, r.height];
function expectClose(actual: number[], expected: number[]): void {
  actual.forEach((v, i) => expect(v, `component ${i} of ${JSON.stringify(actual)}`).toBeCloseTo(expected[i], 9));
}

describe('patch ↔ original-image rectangles', () => {
  it('640×480 through CLIP-336, 24×24: a patch is 14 model px = 20 original px; patch 0 at (80, 0), patch 575 at (540, 460)', () => {
    const plan = planProcessor({ width: 640, height: 480 }, CLIP_336);
    expectClose(asArray(patchRectInImage(plan, GRID_24, asPatchIndex(GRID_24, 0))), [80, 0, 20, 20]);
    expectClose(asArray(patchRectInImage(plan, GRID_24, asPatchIndex(GRID_24, 575))), [540, 460, 20, 20]);
    // Row 1, col 2 = index 26.
    expectClose(asArray(patchRectInImage(plan, GRID_24, patchAt(GRID_24, 1, 2))), [120, 20, 20, 20]);
  });

  it('portrait 480×640: patch 23 (top-right) at (460, 80), patch 575 at (460, 540)', () => {
    const plan = planProcessor({ width: 480, height: 640 }, CLIP_336);
    expectClose(asArray(patchRectInImage(plan, GRID_24, asPatchIndex(GRID_24, 23))), [460, 80, 20, 20]);
    expectClose(asArray(patchRectInImage(plan, GRID_24, asPatchIndex(GRID_24, 575))), [460, 540, 20, 20]);
  });

  it('SigLIP 384 px, 27×27 of 14 px on 640×480: non-square patches 23.33×17.5, the last 6 model px unused', () => {
    const plan = planProcessor(
      { width: 640, height: 480 },
      processorStepsFromHfConfig({ size: { height: 384, width: 384 } }),
    );
    expect(() => patchRectInImage(plan, patchGrid(27, 27), 0 as never)).toThrow(/give patchPx/);
    const grid = patchGrid(27, 27, 14);
    expectClose(asArray(patchRectInImage(plan, grid, asPatchIndex(grid, 728))), [
      (364 * 640) / 384,
      455,
      (14 * 640) / 384,
      17.5,
    ]);
  });

  it('point → patch: inverse of patch → rect for every patch of several plans; cropped-away points give null', () => {
    const plans: ProcessorPlan[] = [
      planProcessor({ width: 640, height: 480 }, CLIP_336),
      planProcessor({ width: 675, height: 337 }, CLIP_336),
      planProcessor({ width: 201, height: 101 }, processorStepsFromHfConfig({ do_center_crop: true, crop_size: 336 })),
    ];
    for (const plan of plans) {
      for (let i = 0; i < 576; i++) {
        const r = patchRectInImage(plan, GRID_24, asPatchIndex(GRID_24, i));
        expect(patchAtImagePoint(plan, GRID_24, (r.x + r.width / 2) as ImagePx, (r.y + r.height / 2) as ImagePx)).toBe(
          i,
        );
      }
    }
    expect(patchAtImagePoint(plans[0], GRID_24, 79.9 as ImagePx, 10 as ImagePx)).toBeNull();
    expect(patchAtImagePoint(plans[0], GRID_24, 80 as ImagePx, 0 as ImagePx)).toBe(0);
    expect(patchAtImagePoint(plans[0], GRID_24, 560 as ImagePx, 10 as ImagePx)).toBeNull();
  });

  it('padded input: the top-left image pixel lies in patch (8, 4) of the 336 px input (offset 68, 118)', () => {
    const plan = planProcessor(
      { width: 200, height: 100 },
      processorStepsFromHfConfig({ do_center_crop: true, crop_size: 336 }),
    );
    expect(patchAtImagePoint(plan, GRID_24, 0 as ImagePx, 0 as ImagePx)).toBe(8 * 24 + 4);
    expectClose(asArray(patchRectInImage(plan, GRID_24, asPatchIndex(GRID_24, 0))), [-68, -118, 14, 14]);
  });

  it('index helpers validate and convert', () => {
    expect(patchRowCol(GRID_24, asPatchIndex(GRID_24, 49))).toEqual({ row: 2, col: 1 });
    expect(() => asPatchIndex(GRID_24, 576)).toThrow(/outside the 24×24 grid/);
    expect(() => patchAt(GRID_24, 0, 24)).toThrow(/outside/);
    expect(() => patchGrid(0, 24)).toThrow(/positive integer/);
    const plan = planProcessor({ width: 640, height: 480 }, CLIP_336);
    expect(() => patchRectInImage(plan, patchGrid(25, 25), 0 as never)).toThrow(/does not fit the 336×336/);
  });
});
