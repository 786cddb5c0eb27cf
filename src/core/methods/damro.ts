// DAMRO as a method record (src/core/damro-spec.md §1): the contrast branch sees only the k outlier image tokens.
import { LensError } from '../../protocol/errors';
import { damroScores } from '../decoding/contrastive';
import { checkAlphaBeta, checkContrastInputs } from './contrast-scores';
import type { MethodSpec } from './method';

export interface DamroMethodParams {
  readonly alpha: number;
  readonly beta: number;
  /** How many outlier tokens the contrast branch sees. */
  readonly k: number;
}

export const DAMRO: MethodSpec<DamroMethodParams> = {
  name: 'damro',
  label: 'DAMRO',
  citation: {
    authors: 'Gong et al.',
    title: 'DAMRO: Dive into the Attention Mechanism of LVLM to Reduce Object Hallucination',
    venue: 'EMNLP 2024',
    url: 'https://arxiv.org/abs/2410.04514',
    section: 'Section 3.3 (Eq. 5–6); defaults: the released drivers’ argparse defaults',
  },
  defaults: { alpha: 2, beta: 0.1, k: 10 },
  main: 'full-image',
  contrast: 'outlier-tokens',
  validate(params) {
    checkAlphaBeta('DAMRO', params);
    if (!(Number.isInteger(params.k) && params.k >= 1))
      throw new LensError('bad-request', `DAMRO k must be a whole number ≥ 1, got ${params.k}.`);
  },
  combine(main, contrast, params, _step, out) {
    checkContrastInputs('DAMRO', main, contrast);
    return damroScores(main, contrast, params, out);
  },
};
