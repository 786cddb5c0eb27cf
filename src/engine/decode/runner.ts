/**
 * Multimodal rotary positions (M-RoPE, Qwen2-VL): each token's (time, height, width) position, and the position every
 * axis gives the first generated token (the next after it count on by one).
 */
export interface RowPositions {
  /** [3, length], axis-major: time positions, then height, then width. */
  readonly ids: Int32Array;
  readonly next: number;
}

/** One decoder input row: an embedding sequence [length, hidden] and where its image tokens sit. */
export interface RowSpec {
  readonly embeds: Float32Array;
  readonly length: number;
  /** M-RoPE positions; absent: token t is at position t (on every axis, for a decoder that takes three). */
  readonly positions?: RowPositions;
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
