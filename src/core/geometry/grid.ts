import { LensError } from '../../protocol/errors';
import type { PatchIndex, TokenIndex } from './spaces';

/** The vision encoder's patch grid, e.g. 24 × 24 for CLIP ViT-L/14 at 336 px. */
export interface PatchGrid {
  readonly rows: number;
  readonly cols: number;
  /**
   * Model-input pixels per (square) patch. Needed only when the grid does not tile the input exactly: SigLIP at
   * 384 px with 14 px patches has 27 × 27 patches and its convolution never reads the last 6 pixels.
   */
  readonly patchPx?: number;
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new LensError(
      'bad-request',
      `${name} must be a positive integer, got ${value}. Check the model manifest's vision grid.`,
      { option: name, value },
    );
  }
}

export function patchGrid(rows: number, cols: number, patchPx?: number): PatchGrid {
  positiveInteger('rows', rows);
  positiveInteger('cols', cols);
  if (patchPx === undefined) return { rows, cols };
  positiveInteger('patchPx', patchPx);
  return { rows, cols, patchPx };
}

export const patchCount = (grid: PatchGrid): number => grid.rows * grid.cols;

export function asPatchIndex(grid: PatchGrid, index: number): PatchIndex {
  if (!Number.isInteger(index) || index < 0 || index >= patchCount(grid)) {
    throw new LensError(
      'bad-request',
      `Patch index ${index} is outside the ${grid.rows}×${grid.cols} grid (0..${patchCount(grid) - 1}).`,
      { option: 'patch', value: index },
    );
  }
  return index as PatchIndex;
}

export function asTokenIndex(index: number): TokenIndex {
  if (!Number.isInteger(index) || index < 0) {
    throw new LensError('bad-request', `Token index must be a non-negative integer, got ${index}.`, {
      option: 'token',
      value: index,
    });
  }
  return index as TokenIndex;
}

export function patchAt(grid: PatchGrid, row: number, col: number): PatchIndex {
  if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= grid.rows || col >= grid.cols) {
    throw new LensError(
      'bad-request',
      `Patch (row ${row}, col ${col}) is outside the ${grid.rows}×${grid.cols} grid.`,
      { option: 'patch', value: `${row},${col}` },
    );
  }
  return (row * grid.cols + col) as PatchIndex;
}

export const patchRowCol = (grid: PatchGrid, index: PatchIndex): { row: number; col: number } => ({
  row: Math.floor(index / grid.cols),
  col: index % grid.cols,
});
