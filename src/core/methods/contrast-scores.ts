// The plausibility cutoff every contrastive method here shares (VCD's "adaptive plausibility constraint", Leng et al.
// CVPR 2024 §4.2; DAMRO src/core/damro-spec.md §1.3 step 3): keep v iff l_v ≥ max(l) + ln β on the main branch's raw
// logits, then score kept tokens with the method's own formula.
import { LensError } from '../../protocol/errors';
import { maxLogit } from '../tensor/softmax';

export interface ContrastScores {
  /** The method's score on kept tokens, −∞ elsewhere: feed straight to the sampler. */
  readonly scores: Float32Array;
  /** max(l) + ln β on the main branch's raw logits; −∞ when β = 0 or when the method has no cutoff. */
  readonly cutoff: number;
  /** How many tokens passed the cutoff. */
  readonly kept: number;
}

/** Writes score(v) for every v with l_v ≥ max(l) + ln β (a −∞ logit never passes) and −∞ elsewhere. */
export function plausibleScores(
  main: ArrayLike<number>,
  beta: number,
  out: Float32Array,
  score: (v: number) => number,
  what: string,
): ContrastScores {
  const cutoff = maxLogit(main) + Math.log(beta);
  let kept = 0;
  for (let v = 0; v < main.length; v++) {
    const l = main[v];
    if (l < cutoff || l === -Infinity) {
      out[v] = -Infinity;
      continue;
    }
    const s = score(v);
    if (!(s < Infinity && s > -Infinity)) {
      throw new LensError(
        'bad-request',
        `${what}'s score for token ${v} is ${s}; the contrast branch's logit must be finite wherever the main branch finds the token plausible.`,
      );
    }
    out[v] = s;
    kept++;
  }
  return { scores: out, cutoff, kept };
}

/** Checks a vocabulary match and the shared α ≥ 0, β ∈ [0, 1] parameters. */
export function checkContrastInputs(
  what: string,
  main: ArrayLike<number>,
  contrast: ArrayLike<number> | undefined,
): asserts contrast is ArrayLike<number> {
  if (!contrast) throw new LensError('bad-request', `${what} needs its contrast branch's logits.`);
  if (main.length !== contrast.length) {
    throw new LensError(
      'bad-request',
      `${what}'s two branches disagree on the vocabulary size (${main.length} vs ${contrast.length}); both must come from the same model.`,
    );
  }
}

export function checkAlphaBeta(what: string, params: { readonly alpha: number; readonly beta: number }): void {
  if (!(params.alpha >= 0 && Number.isFinite(params.alpha)))
    throw new LensError('bad-request', `${what} α must be a finite number ≥ 0, got ${params.alpha}.`);
  checkBeta(what, params.beta);
}

export function checkBeta(what: string, beta: number): void {
  if (!(beta >= 0 && beta <= 1)) throw new LensError('bad-request', `${what} β must be in [0, 1], got ${beta}.`);
}

/** (1+α)·l − α·c on the tokens that pass the cutoff: DAMRO's, VCD's and AvisC's common combination. */
export function linearContrast(
  what: string,
  main: ArrayLike<number>,
  contrast: ArrayLike<number> | undefined,
  params: { readonly alpha: number; readonly beta: number },
  out: Float32Array,
): ContrastScores {
  checkContrastInputs(what, main, contrast);
  const { alpha } = params;
  return plausibleScores(main, params.beta, out, (v) => (1 + alpha) * main[v] - alpha * contrast[v], what);
}
