// Marks the object words of a caption against what is known to be in the image. The UI depends on this
// interface only; the simple matcher below stands in until the CHAIR labeller (src/core/labels) backs it.

export type ObjectWordKind = 'grounded' | 'hallucinated' | 'unverifiable';

export interface ObjectWordLabel {
  readonly kind: ObjectWordKind;
  /** [start, end) in the caption, so a UI colours exactly those characters. */
  readonly start: number;
  readonly end: number;
  /** The object the words name, in its listed form ("dining table", "dog"). */
  readonly object: string;
}

export interface ObjectMatcher {
  /** Labels sorted by start, never overlapping. */
  label(caption: string, groundTruth: readonly string[]): ObjectWordLabel[];
}
