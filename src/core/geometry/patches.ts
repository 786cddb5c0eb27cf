import { LensError } from '../../protocol/errors';
import { patchRowCol } from './grid';
import type { PatchGrid } from './grid';
import type { ProcessorPlan } from './processor';
import { intersect, rect } from './spaces';
import type { ImagePx, ModelPx, PatchIndex, Rect } from './spaces';

/**
 * Model-input pixels per patch. The patch embedding is a convolution with stride = patch size, so the grid is
 * floor(input / patch) on each axis; without an explicit patchPx the grid must tile the input exactly.
 */
export function patchSizeInModel(plan: ProcessorPlan, grid: PatchGrid): { width: ModelPx; height: ModelPx } {
  const { width, height } = plan.input;
  const cellW = grid.patchPx ?? width / grid.cols;
  const cellH = grid.patchPx ?? height / grid.rows;
  if (
    !Number.isInteger(cellW) ||
    !Number.isInteger(cellH) ||
    Math.floor(width / cellW) !== grid.cols ||
    Math.floor(height / cellH) !== grid.rows
  ) {
    throw new LensError(
      'bad-request',
      `A ${grid.rows}×${grid.cols} patch grid${grid.patchPx ? ` of ${grid.patchPx} px patches` : ''} does not fit the ${width}×${height} model input. Check the processor config against the model's patch size (give patchPx when the grid leaves pixels unused).`,
      { option: 'grid', value: `${grid.rows}x${grid.cols}` },
    );
  }
  return { width: cellW as ModelPx, height: cellH as ModelPx };
}

export function modelRectToImage(plan: ProcessorPlan, r: Rect<ModelPx>): Rect<ImagePx> {
  const { scaleX, offsetX, scaleY, offsetY } = plan.toModel;
  return rect<ImagePx>((r.x - offsetX) / scaleX, (r.y - offsetY) / scaleY, r.width / scaleX, r.height / scaleY);
}

/** The whole model input in original-image pixels. It extends past the image where the processor padded. */
export const inputRectInImage = (plan: ProcessorPlan): Rect<ImagePx> =>
  modelRectToImage(plan, rect<ModelPx>(0, 0, plan.input.width, plan.input.height));

/** The part of the original image the model saw; everything else was cropped away. */
export const seenRectInImage = (plan: ProcessorPlan): Rect<ImagePx> =>
  intersect(inputRectInImage(plan), rect<ImagePx>(0, 0, plan.original.width, plan.original.height));

export function patchRectInModel(plan: ProcessorPlan, grid: PatchGrid, index: PatchIndex): Rect<ModelPx> {
  const cell = patchSizeInModel(plan, grid);
  const { row, col } = patchRowCol(grid, index);
  return rect<ModelPx>(col * cell.width, row * cell.height, cell.width, cell.height);
}

export const patchRectInImage = (plan: ProcessorPlan, grid: PatchGrid, index: PatchIndex): Rect<ImagePx> =>
  modelRectToImage(plan, patchRectInModel(plan, grid, index));

/** The patch covering an original-image point, or null where the point was cropped away. */
export function patchAtImagePoint(plan: ProcessorPlan, grid: PatchGrid, x: ImagePx, y: ImagePx): PatchIndex | null {
  const cell = patchSizeInModel(plan, grid);
  const { scaleX, offsetX, scaleY, offsetY } = plan.toModel;
  const col = Math.floor((scaleX * x + offsetX) / cell.width);
  const row = Math.floor((scaleY * y + offsetY) / cell.height);
  if (row < 0 || col < 0 || row >= grid.rows || col >= grid.cols) return null;
  return (row * grid.cols + col) as PatchIndex;
}
