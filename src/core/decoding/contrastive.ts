// DAMRO step 2 (src/core/damro-spec.md §1.3 steps 3–4). It runs every decoding step over a ~50k vocabulary, so it makes
// exactly two passes (max, then mask + combine) and allocates only the score vector.
import type { DamroSettings } from '../../protocol/messages';
import { linearContrast, type ContrastScores } from '../methods/contrast-scores';
import { softmaxNormaliser } from '../tensor/softmax';
import { topK } from '../tensor/topk';

/**
 * Combines full-branch logits l and outlier-branch logits c as DAMRO does, (1+α)·l − α·c on the tokens that pass the
 * β cutoff (the same combination VCD and AvisC use); writes into `out` when given. α and β come checked from the
 * request (src/core/decoding/requests.ts).
 */
export function damroScores(
  full: ArrayLike<number>,
  outlier: ArrayLike<number>,
  params: Pick<DamroSettings, 'alpha' | 'beta'>,
  out = new Float32Array(full.length),
): ContrastScores {
  return linearContrast('DAMRO', full, outlier, params, out);
}

/** A token of one logit vector with its logit and softmax probability (the wire's Candidate adds its text). */
export interface ScoredToken {
  readonly id: number;
  readonly logit: number;
  readonly probability: number;
}

/** The n most likely tokens of a logit vector with their softmax probabilities, for the step inspector. */
export function topScoredTokens(logits: ArrayLike<number>, n: number): ScoredToken[] {
  const { max, sum } = softmaxNormaliser(logits);
  return topK(logits, n).map((id) => ({ id, logit: logits[id], probability: Math.exp(logits[id] - max) / sum }));
}
