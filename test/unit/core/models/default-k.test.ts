import { describe, expect, it } from 'vitest';
import { defaultK } from '../../../../src/core/models/default-k';

describe('the default k', () => {
  it("keeps the paper's share of the image tokens, 10 of 576, rounded up and at most 10", () => {
    // 16 · 10 / 576 = 0.28 → 1; 64 · 10 / 576 = 1.11 → 2; 576 → 10; 2880 (LLaVA-NeXT's five crops) → 50, capped at 10.
    expect([16, 64, 576, 2880].map(defaultK)).toEqual([1, 2, 10, 10]);
    // 1 image token still gives the one outlier DAMRO needs.
    expect(defaultK(1)).toBe(1);
  });
});
