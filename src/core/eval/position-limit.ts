// A decoder cannot go past its last position (max_position_embeddings); answers stop there, whatever max new
// tokens says. Benchmarks say so up front, since no single caption shows it.

/** A note when answers can reach the model's position limit before max new tokens; undefined when they cannot. */
export function positionLimitNote(
  maxNewTokens: number,
  maxPositions: number | undefined,
  imageTokens: number,
): string | undefined {
  if (maxPositions === undefined || imageTokens + maxNewTokens <= maxPositions) return undefined;
  return `This model has ${maxPositions} positions for the prompt, the image's ${imageTokens} tokens and the answer together, so long answers stop at that limit, before ${maxNewTokens} new tokens.`;
}
