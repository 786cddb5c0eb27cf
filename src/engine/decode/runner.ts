/** One decoder input row: an embedding sequence [length, hidden] and where its image tokens sit. */
export interface RowSpec {
  readonly embeds: Float32Array;
  readonly length: number;
  /** Image-token positions whose decoder attention is recorded; absent for rows nobody looks at. */
  readonly imageSpan?: { readonly start: number; readonly length: number };
}

export interface StepOutput {
  /** Last-position logits per row, in row order. */
  readonly logits: readonly Float32Array[];
  /** Per row with an imageSpan: the last position's attention over the image tokens, [layers, heads, imageTokens]. */
  readonly attention: readonly (Float32Array | undefined)[];
  /**
   * Per row with an imageSpan: the same position's attention over the text keys (the prompt outside the image span,
   * then the tokens generated so far), [layers, heads, textKeys]. Absent from runners that do not read it.
   */
  readonly text?: readonly (Float32Array | undefined)[];
}

/**
 * Runs the language decoder over several rows that advance together, batched into one call per step; a row fed
 * `null` has finished, and its output is not read.
 */
export interface DecoderRunner {
  prefill(rows: readonly RowSpec[]): Promise<StepOutput>;
  step(tokens: readonly (number | null)[]): Promise<StepOutput>;
  dispose(): Promise<void>;
}
