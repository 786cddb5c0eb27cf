// The outlier ablation: the main branch sees every image token except DAMRO's k outliers (dropped, the rest in their
// own order) and is decoded plainly, with no contrast. It asks whether removing the outliers alone helps.
import { LensError } from '../../protocol/errors';
import type { MethodSpec } from './method';

export interface AblationParams {
  /** How many of the top outlier tokens (DAMRO's score and order) are removed; set it to DAMRO's k to compare. */
  readonly k: number;
}

/** Image-token indices 0 … count − 1 without `removed`, ascending. */
export function tokensWithout(count: number, removed: ArrayLike<number>): Int32Array {
  const gone = new Set(Array.from(removed));
  return Int32Array.from({ length: count }, (_, i) => i).filter((i) => !gone.has(i));
}

export const ABLATION: MethodSpec<AblationParams> = {
  name: 'ablation',
  label: 'Outliers removed',
  citation: {
    authors: 'this project',
    title: 'Ablation of DAMRO’s outlier tokens',
    venue: 'DAMRO Lens',
    url: 'https://arxiv.org/abs/2410.04514',
    section: 'none (no paper): DAMRO’s outlier tokens dropped from the image, the rest decoded plainly',
  },
  defaults: { k: 10 },
  main: 'image-minus-outliers',
  contrast: 'none',
  validate(params) {
    if (!(Number.isInteger(params.k) && params.k >= 1))
      throw new LensError('bad-request', `The ablation's k must be a whole number ≥ 1, got ${params.k}.`);
  },
  combine(main, _contrast, _params, _step, out) {
    out.set(main);
    return { scores: out, cutoff: -Infinity, kept: main.length };
  },
};
