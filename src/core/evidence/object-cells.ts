// Which image tokens lie on a detected object: a token counts when the centre of its patch, mapped back to the
// original image through the processor's resize and crop, falls inside a detection box. Outliers elsewhere are
// on background.
import type { Box } from '../labels/ground-truth';
import { patchRectInImage, type PatchGrid, type PatchIndex, type ProcessorPlan } from '../geometry';

export function objectCells(plan: ProcessorPlan, grid: PatchGrid, boxes: readonly Box[]): Set<number> {
  const cells = new Set<number>();
  for (let index = 0; index < grid.rows * grid.cols; index++) {
    const r = patchRectInImage(plan, grid, index as PatchIndex);
    const cx = r.x + r.width / 2;
    const cy = r.y + r.height / 2;
    if (boxes.some((b) => cx >= b.x && cx <= b.x + b.width && cy >= b.y && cy <= b.y + b.height)) cells.add(index);
  }
  return cells;
}
