import { describe, expect, it } from 'vitest';
import { patchesOfToken, tokenScoresFromPatches } from '../../../../src/engine/adapters/pixel-shuffle';

/**
 * Idefics3's pixel shuffle replayed on patch indices, op by op as the model code writes it: view (H, W/s, D·s),
 * permute, reshape (W/s, H/s, D·s²), permute, reshape (H·W/s², D·s²). Returns, per token, the patch index in each
 * s² channel group.
 */
function shuffledPatchIndices(side: number, s: number): number[][] {
  // x[h][w] = patch index, D = 1: after the first view, row h holds W/s groups of s consecutive patches.
  const a = Array.from({ length: side }, (_, h) =>
    Array.from({ length: side / s }, (_, w2) => Array.from({ length: s }, (_, c) => h * side + w2 * s + c)),
  );
  // permute(0, 2, 1, 3): [W/s][H][s]
  const b = Array.from({ length: side / s }, (_, w2) => Array.from({ length: side }, (_, h) => a[h]![w2]!));
  // reshape to [W/s][H/s][s·s]: consecutive s rows of H fold into the channel axis.
  const c = b.map((rows) => Array.from({ length: side / s }, (_, h2) => rows.slice(h2 * s, (h2 + 1) * s).flat()));
  // permute(0, 2, 1, 3): [H/s][W/s][s·s], then flatten the token grid in raster order.
  return Array.from({ length: side / s }, (_, h2) => Array.from({ length: side / s }, (_, w2) => c[w2]![h2]!)).flat();
}

describe('pixel shuffle: vision patches to LLM image tokens', () => {
  it('maps each token to the same patches, in the same channel order, as the model’s view/permute chain', () => {
    for (const [side, s] of [
      [8, 2],
      [32, 4],
      [6, 3],
    ] as const) {
      const expected = shuffledPatchIndices(side, s);
      expect(Array.from({ length: (side / s) ** 2 }, (_, t) => patchesOfToken(t, side, s))).toEqual(expected);
    }
  });

  it('SmolVLM-256M: 32 × 32 patches at scale 4 give 64 tokens; token 9 packs rows 4–7, columns 4–7', () => {
    expect(patchesOfToken(9, 32, 4)).toEqual([
      132, 133, 134, 135, 164, 165, 166, 167, 196, 197, 198, 199, 228, 229, 230, 231,
    ]);
  });

  it('scores a token by the maximum of its block', () => {
    const patches = new Float32Array(16).fill(0.01);
    patches[5] = 0.9; // row 1, column 1 → token 0
    patches[14] = 0.5; // row 3, column 2 → token 3
    for (const p of [0, 1, 4]) patches[p] = 0.3; // a block of moderate scores does not outrank the outlier's
    expect(Array.from(tokenScoresFromPatches(patches, 4, 2))).toEqual([
      Math.fround(0.9),
      Math.fround(0.01),
      Math.fround(0.01),
      Math.fround(0.5),
    ]);
  });

  it('refuses scores that do not form the grid', () => {
    expect(() => tokenScoresFromPatches(new Float32Array(15), 4, 2)).toThrow(/do not form a 4 × 4 grid/);
    expect(() => tokenScoresFromPatches(new Float32Array(25), 5, 2)).toThrow(/pixel-shuffle blocks/);
  });
});
