// DAMRO's k counts image tokens, so a fixed 10 means very different things on different models: 1.7% of LLaVA-1.5's
// 576 tokens (the paper's setting, src/core/damro-spec.md §1.2), but 62% of the demo model's 16. The default keeps
// the paper's share instead: ⌈tokens · 10 / 576⌉, never more than the paper's 10.
const PAPER_K = 10;
const PAPER_IMAGE_TOKENS = 576;

/** The default k for a model with this many image tokens: 1 of 16, 2 of 64 (SmolVLM-256M), 10 of 576. */
export function defaultK(imageTokens: number): number {
  return Math.max(1, Math.min(PAPER_K, Math.ceil((imageTokens * PAPER_K) / PAPER_IMAGE_TOKENS)));
}
