// DAMRO step 2 (src/core/damro-spec.md §1.3 steps 3–4). It runs every decoding step over a ~50k vocabulary, so it makes
// exactly two passes (max, then mask + combine) and allocates only the score vector.
import { LensError } from '../../protocol/errors';
import type { DamroSettings } from '../../protocol/messages';
import { maxLogit, softmaxNormaliser } from '../tensor/softmax';
import { topK } from '../tensor/topk';

export interface DamroScores {
  /** (1+α)·l − α·c on kept tokens, −∞ elsewhere: feed straight to the sampler. */
  readonly scores: Float32Array;
  /** max(l) + ln β over the full branch's raw logits; −∞ when β = 0. */
  readonly cutoff: number;
  /** How many tokens passed the cutoff. */
  readonly kept: number;
}

/**
 * Combines full-branch logits l and outlier-branch logits c as DAMRO does; writes into `out` when given. α and β come
 * checked from the request (src/core/decoding/requests.ts).
 */
export function damroScores(
  full: ArrayLike<number>,
  outlier: ArrayLike<number>,
  params: Pick<DamroSettings, 'alpha' | 'beta'>,
  out = new Float32Array(full.length),
): DamroScores {
  const { alpha, beta } = params;
  if (full.length !== outlier.length) {
    throw new LensError(
      'bad-request',
      `The two branches disagree on the vocabulary size (${full.length} vs ${outlier.length}); both must come from the same model.`,
    );
  }
  const cutoff = maxLogit(full) + Math.log(beta);
  let kept = 0;
  for (let v = 0; v < full.length; v++) {
    const l = full[v];
    // A −∞ logit has no probability to keep; at β = 0 it would otherwise pass the −∞ cutoff.
    if (l < cutoff || l === -Infinity) {
      out[v] = -Infinity;
      continue;
    }
    const s = (1 + alpha) * l - alpha * outlier[v];
    if (!(s < Infinity)) {
      throw new LensError(
        'bad-request',
        `The outlier branch's logit for token ${v} is ${outlier[v]}; it must be finite wherever the full branch finds the token plausible.`,
      );
    }
    out[v] = s;
    kept++;
  }
  return { scores: out, cutoff, kept };
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
