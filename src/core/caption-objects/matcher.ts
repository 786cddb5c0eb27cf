// Marks the object words of a caption against what is known to be in the image. The UI depends on this
// interface only; the CHAIR labeller (chair-matcher.ts over src/core/labels) backs it.
import type { GroundTruth } from '../labels/ground-truth';
import type { CaptionLabels, WordLabel } from '../labels/label';

export type ObjectWordKind = WordLabel['kind'];
export type { CaptionLabels, WordLabel };

export interface ObjectMatcher {
  /**
   * Grounded / hallucinated CHAIR mentions and unverifiable nouns, with spans into the caption. Without ground
   * truth nothing can be checked: every mention is unchecked and the CHAIR values are NaN.
   */
  label(caption: string, truth: GroundTruth | undefined): CaptionLabels;
}
