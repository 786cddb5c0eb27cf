// The outlier ablation: the main branch sees every image token except DAMRO's k outliers (dropped, the rest in their
// own order) and is decoded plainly, with no contrast. It asks whether removing the outliers alone helps.
import type { MethodSpec } from './method';

/** The ablation has no parameters of its own: it removes the run's DAMRO outliers (same k, same tokens). */
export type AblationParams = Readonly<Record<string, never>>;

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
    section: 'src/core/damro-spec.md §8.6',
  },
  defaults: {},
  main: 'image-minus-outliers',
  contrast: 'none',
  validate() {},
  combine(main, _contrast, _params, _step, out) {
    out.set(main);
    return { scores: out, cutoff: -Infinity, kept: main.length };
  },
};
