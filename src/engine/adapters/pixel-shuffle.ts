// Idefics3/SmolVLM's connector packs each s × s block of vision patches into one LLM image token (pixel
// shuffle): on a g × g patch grid, token (i, j) of the (g/s) × (g/s) token grid holds the hidden states of
// patches (i·s + a, j·s + b) for a, b < s, concatenated along channels. DAMRO drops LLM tokens, so its outlier
// score must be per token. We take the block's MAXIMUM patch score: the token carries every patch of its block
// verbatim in its channels, so a token containing one outlier patch carries that outlier, and a sum or mean
// would let a block of moderately attended patches outrank the block holding the outlier.
import { LensError } from '../../protocol/errors';

/** Patch indices (raster order on the patch grid) that token `token` packs, in its channel order. */
export function patchesOfToken(token: number, patchSide: number, scale: number): number[] {
  const tokenSide = patchSide / scale;
  const i = Math.floor(token / tokenSide);
  const j = token % tokenSide;
  const patches: number[] = [];
  for (let a = 0; a < scale; a++)
    for (let b = 0; b < scale; b++) patches.push((i * scale + a) * patchSide + j * scale + b);
  return patches;
}

/** One score per LLM image token: the maximum over its s × s patch block. */
export function tokenScoresFromPatches(patchScores: Float32Array, patchSide: number, scale: number): Float32Array {
  if (patchScores.length !== patchSide * patchSide || patchSide % scale !== 0) {
    throw new LensError(
      'attention-unavailable',
      `${patchScores.length} patch scores do not form a ${patchSide} × ${patchSide} grid that splits into ${scale} × ${scale} pixel-shuffle blocks.`,
    );
  }
  const tokens = (patchSide / scale) ** 2;
  const out = new Float32Array(tokens);
  for (let t = 0; t < tokens; t++)
    out[t] = Math.max(...patchesOfToken(t, patchSide, scale).map((p) => patchScores[p]!));
  return out;
}
