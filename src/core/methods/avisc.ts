// Attentional Vision Calibration (Woo et al., 2024): "blind" image tokens take a disproportionate share of the
// decoder's attention at the last prompt position; the contrast branch sees the full prompt with every other image
// token's embedding zeroed, so it leans on the blind tokens, and that bias is contrasted away with VCD's combination.
// Layer and token selection (the paper's §3; the released avisc_utils/avisc_sample.py): head-mean attention to the
// image per layer, the fewest layers holding a share γ of it, their mean per token, blind iff ≥ mean + λ·std.
import { LensError } from '../../protocol/errors';
import { checkAlphaBeta, linearContrast } from './contrast-scores';
import type { MethodSpec } from './method';

export interface AviscParams {
  readonly alpha: number;
  readonly beta: number;
  /** Share γ of the image attention the chosen layers must hold (top-p over layers). */
  readonly layerGamma: number;
  /** Blind iff the token's attention ≥ mean + λ·std over the image tokens. */
  readonly lambda: number;
}

export interface BlindTokens {
  /** Image-token indices, ascending, that the contrast branch keeps; the others are zeroed. */
  readonly blind: Int32Array;
  /** The decoder layers the attention was averaged over, by descending image share. */
  readonly layers: Int32Array;
  readonly threshold: number;
}

/**
 * Picks the blind tokens from the last prompt position's attention over the image tokens, [layers, heads, tokens]
 * row-major. The std is the unbiased one (n − 1), as torch's Tensor.std computes it in the released code.
 */
export function blindTokens(
  attention: Float32Array,
  dims: { readonly layers: number; readonly heads: number; readonly tokens: number },
  params: Pick<AviscParams, 'layerGamma' | 'lambda'>,
): BlindTokens {
  const { layers, heads, tokens } = dims;
  if (attention.length !== layers * heads * tokens)
    throw new LensError(
      'bad-request',
      `AvisC got ${attention.length} attention values for ${layers} layers × ${heads} heads × ${tokens} image tokens.`,
    );
  const headMean = new Float64Array(layers * tokens);
  for (let l = 0; l < layers; l++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < tokens; i++) headMean[l * tokens + i] += attention[(l * heads + h) * tokens + i] / heads;
  const share = Array.from({ length: layers }, (_, l) => {
    let sum = 0;
    for (let i = 0; i < tokens; i++) sum += headMean[l * tokens + i];
    return sum;
  });
  const total = share.reduce((a, b) => a + b, 0);
  const order = share.map((_, l) => l).sort((a, b) => share[b] - share[a] || a - b);
  // The fewest layers whose cumulative share reaches γ: those strictly below γ, plus the one that crosses it.
  let cumulative = 0;
  let count = 1;
  for (const l of order.slice(0, -1)) {
    cumulative += share[l] / total;
    if (cumulative < params.layerGamma) count++;
    else break;
  }
  const chosen = order.slice(0, count);
  const score = new Float64Array(tokens);
  for (const l of chosen) for (let i = 0; i < tokens; i++) score[i] += headMean[l * tokens + i] / chosen.length;
  const mean = score.reduce((a, b) => a + b, 0) / tokens;
  const variance = tokens > 1 ? score.reduce((a, s) => a + (s - mean) ** 2, 0) / (tokens - 1) : 0;
  const threshold = mean + params.lambda * Math.sqrt(variance);
  const blind = Int32Array.from(score.keys()).filter((i) => score[i] >= threshold);
  return { blind, layers: Int32Array.from(chosen), threshold };
}

export const AVISC: MethodSpec<AviscParams> = {
  name: 'avisc',
  label: 'AvisC',
  citation: {
    authors: 'Woo et al.',
    title: 'Don’t Miss the Forest for the Trees: Attentional Vision Calibration for Large Vision Language Models',
    venue: 'arXiv 2405.17820 (2024)',
    url: 'https://arxiv.org/abs/2405.17820',
    section:
      'Section 3 (blind-token selection, contrast); defaults: the released sampler and scripts (γ 0.5, λ 1, α 1, β 0.1)',
  },
  defaults: { alpha: 1, beta: 0.1, layerGamma: 0.5, lambda: 1 },
  main: 'full-image',
  contrast: 'blind-tokens',
  validate(params) {
    checkAlphaBeta('AvisC', params);
    if (!(params.layerGamma > 0 && params.layerGamma <= 1))
      throw new LensError('bad-request', `AvisC γ (layer share) must be in (0, 1], got ${params.layerGamma}.`);
    if (!Number.isFinite(params.lambda))
      throw new LensError('bad-request', `AvisC λ must be a finite number, got ${params.lambda}.`);
  },
  combine: (main, contrast, params, _step, out) => linearContrast('AvisC', main, contrast, params, out),
};
