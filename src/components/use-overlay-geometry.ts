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
  return useMemo(
    () =>
      info && image ? { plan: processorPlanFor(info, image), grid: gridOf(info), imageUrl: image.url } : undefined,
    [info, image],
  );
}
