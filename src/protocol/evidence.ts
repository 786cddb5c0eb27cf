// What a benchmark answer carries for the hallucination-evidence statistics: per generated token, per decoder
// layer, three numbers about its attention over the image, and once per image the encoder's scores, the image
// tokens' norms and the outliers. Plain arrays: these are written to records files as JSON.
import type { EvalPerMethod, Grid } from './messages';

/** One generated token's image attention, head-averaged per decoder layer (index = layer). */
export interface StepAttentionMeasures {
  /** Share of the layer's image attention on the encoder's top-k outliers. */
  readonly share: readonly number[];
  /** |decoder top-k image tokens ∩ encoder top-k| / k. */
  readonly overlap: readonly number[];
  /** Entropy (nats) of the attention renormalised over the image tokens. */
  readonly entropy: readonly number[];
}

export interface CaptionEvidence {
  /** Length of the caption text after each step's token, so a character span maps to the step that wrote it. */
  readonly stepEnds: readonly number[];
  readonly steps: readonly StepAttentionMeasures[];
}

export interface ImageEvidence {
  readonly grid: Grid;
  /** The encoder's outlier score per image token (CLS attention for a CLS encoder). */
  readonly scores: readonly number[];
  /** L2 norm of each image token as the decoder receives it (the projector's output). */
  readonly norms: readonly number[];
  /** DAMRO's top-k, highest score first. */
  readonly outliers: readonly number[];
}

export interface ItemEvidence {
  readonly image: ImageEvidence;
  /** Per caption and per compared method the answer holds, each measured on its own decoder row. */
  readonly captions: EvalPerMethod<CaptionEvidence>;
}
