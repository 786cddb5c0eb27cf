import { useMemo } from 'react';
import type { PatchGrid, ProcessorPlan } from '../core/geometry';
import { gridOf, processorPlanFor } from '../state/derive';
import { useLens } from '../state/store';

export interface OverlayGeometry {
  readonly plan: ProcessorPlan;
  readonly grid: PatchGrid;
  readonly imageUrl: string;
}

/** Where the model's patches lie on the current image, once a model is loaded and an image chosen. */
export function useOverlayGeometry(): OverlayGeometry | undefined {
  const info = useLens((s) => s.model.info);
  const image = useLens((s) => s.image);
  // A run's outliers name the grid of its image, which some families size per image (Qwen2-VL).
  const runGrid = useLens((s) => s.run.outliers?.grid);
  return useMemo(
    () =>
      info && image
        ? { plan: processorPlanFor(info, image), grid: runGrid ?? gridOf(info), imageUrl: image.url }
        : undefined,
    [info, image, runGrid],
  );
}
