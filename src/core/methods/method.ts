// A contrastive decoding method as data (src/core/damro-spec.md §8): its formula, its hyper-parameters with the
// paper's defaults, where the formula comes from, and what each decoder branch sees. The engine builds the branches;
// this layer only says what they are and how their logits combine.
import type { ComparedMethodName } from '../../protocol/messages';
import type { ContrastScores } from './contrast-scores';

export type MethodName = ComparedMethodName;

export interface Citation {
  readonly authors: string;
  readonly title: string;
  readonly venue: string;
  readonly url: string;
  /** Where in the paper (or its released code) the formula and defaults come from. */
  readonly section: string;
}

/**
 * What the main branch sees: every image token, or every image token but the k outliers (the ablation). The contrast
 * branch: none, only the k outlier tokens, the image with diffusion noise, no image at all, or every image token with
 * all but the decoder's "blind" tokens zeroed.
 */
export type MainView = 'full-image' | 'image-minus-outliers';
export type ContrastView = 'none' | 'outlier-tokens' | 'noised-image' | 'no-image' | 'blind-tokens';

export interface MethodSpec<P> {
  readonly name: MethodName;
  readonly label: string;
  readonly citation: Citation;
  readonly defaults: P;
  readonly main: MainView;
  readonly contrast: ContrastView;
  /** Throws a LensError naming the parameter at fault. */
  validate(params: P): void;
  /**
   * The scores to choose the next token from, given the main branch's logits, the contrast branch's logits (absent
   * when contrast is 'none') and the 0-based generation step; writes into `out`.
   */
  combine(
    main: Float32Array,
    contrast: Float32Array | undefined,
    params: P,
    step: number,
    out: Float32Array<ArrayBuffer>,
  ): ContrastScores;
}
