// Multi-Modal Mutual-Information Decoding (Favero et al., CVPR 2024): the contrast branch is the model without the
// image ("unconditioned"); with l_c and l_u the two branches' log-probabilities, the score is
// l_c + ((1 − γ_t)/γ_t)·(l_c − l_u) with γ_t = exp(−λ·t), so the image's weight grows with every generated token (§4).
// The plausibility cutoff on the conditioned branch follows the only released implementation (AvisC's repository).
import { LensError } from '../../protocol/errors';
import { softmaxNormaliser } from '../tensor/softmax';
import { checkBeta, checkContrastInputs, plausibleScores } from './contrast-scores';
import type { MethodSpec } from './method';

export interface M3idParams {
  /** Decay rate of γ_t = exp(−λ·t); λ = 0 keeps γ = 1, which turns the contrast off. */
  readonly lambda: number;
  readonly beta: number;
}

/** (1 − γ_t)/γ_t with γ_t = exp(−λ·t) and t the 1-based index of the token being chosen. */
export function m3idWeight(lambda: number, step: number): number {
  const t = step + 1;
  return Math.exp(lambda * t) - 1;
}

export const M3ID: MethodSpec<M3idParams> = {
  name: 'm3id',
  label: 'M3ID',
  citation: {
    authors: 'Favero et al.',
    title: 'Multi-Modal Hallucination Control by Visual Information Grounding',
    venue: 'CVPR 2024',
    url: 'https://arxiv.org/abs/2403.14003',
    section:
      'Section 4 (M3ID decoding rule); λ = 0.02 and β = 0.1 as in the released re-implementation (AvisC repository)',
  },
  defaults: { lambda: 0.02, beta: 0.1 },
  main: 'full-image',
  contrast: 'no-image',
  validate(params) {
    if (!(params.lambda >= 0 && Number.isFinite(params.lambda)))
      throw new LensError('bad-request', `M3ID λ must be a finite number ≥ 0, got ${params.lambda}.`);
    checkBeta('M3ID', params.beta);
  },
  combine(main, contrast, params, step, out) {
    checkContrastInputs('M3ID', main, contrast);
    const weight = m3idWeight(params.lambda, step);
    const c = softmaxNormaliser(main);
    const u = softmaxNormaliser(contrast);
    const logZc = c.max + Math.log(c.sum);
    const logZu = u.max + Math.log(u.sum);
    return plausibleScores(
      main,
      params.beta,
      out,
      (v) => {
        const lc = main[v] - logZc;
        return lc + weight * (lc - (contrast[v] - logZu));
      },
      'M3ID',
    );
  },
};
