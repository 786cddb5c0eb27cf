// Baseline caption vs DAMRO caption of the same image: what DAMRO removed, what it introduced, and how the
// per-caption counts and CHAIR values moved (DAMRO minus baseline; negative hallucination deltas are good).
import type { CaptionLabels } from './label';

export interface CaptionComparison {
  readonly hallucinatedDelta: number;
  readonly groundedDelta: number;
  /** NaN when either caption has no mentions. */
  readonly chairIDelta: number;
  readonly chairSDelta: number;
  readonly recallDelta: number;
  /** Hallucinated node words only the baseline has, only DAMRO has, and both have (sorted). */
  readonly removedHallucinations: readonly string[];
  readonly introducedHallucinations: readonly string[];
  readonly sharedHallucinations: readonly string[];
}

export function compareCaptions(baseline: CaptionLabels, damro: CaptionLabels): CaptionComparison {
  const before = new Set(baseline.hallucinatedObjects);
  const after = new Set(damro.hallucinatedObjects);
  return {
    hallucinatedDelta: damro.counts.hallucinated - baseline.counts.hallucinated,
    groundedDelta: damro.counts.grounded - baseline.counts.grounded,
    chairIDelta: damro.scores.chairI - baseline.scores.chairI,
    chairSDelta: damro.scores.chairS - baseline.scores.chairS,
    recallDelta: damro.scores.recall - baseline.scores.recall,
    removedHallucinations: [...before].filter((n) => !after.has(n)).sort(),
    introducedHallucinations: [...after].filter((n) => !before.has(n)).sort(),
    sharedHallucinations: [...before].filter((n) => after.has(n)).sort(),
  };
}
