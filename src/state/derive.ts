// Pure derivations from the store's numbers: the processor geometry of the loaded model for the chosen
// image, the outliers at the current k, and a token's attention under the current layer/head selection.
import { aggregateAttention, type AttentionStack } from '../core/attention/aggregate';
import { selectOutliers } from '../core/attention/outliers';
import { outlierShare } from '../core/attention/share';
import { planProcessor, type PatchGrid, type PatchIndex, type ProcessorPlan } from '../core/geometry';
import { withDefaults } from '../core/methods/registry';
import type { AttentionSelection, ComparedMethod, ModelInfo } from '../protocol/messages';
import type { Settings } from './settings';
import {
  tokenKey,
  type AttentionSlice,
  type CaptionToken,
  type ImageSlice,
  type OutlierRecord,
  type RunRecipe,
  type TokenRef,
} from './store';

/**
 * The model's resize (shortest edge) and centre crop, or its stretch, replayed on the image size; the worker crops on a
 * canvas.
 */
export function processorPlanFor(info: ModelInfo, image: Pick<ImageSlice, 'width' | 'height'>): ProcessorPlan {
  const { shortestEdge, crop, resize } = info.processor;
  if (resize === 'stretch')
    return planProcessor({ width: image.width, height: image.height }, [
      { op: 'resize', width: crop.width, height: crop.height },
    ]);
  return planProcessor({ width: image.width, height: image.height }, [
    { op: 'resize-aspect', shortestEdge },
    { op: 'center-crop', width: crop.width, height: crop.height, align: 'canvas' },
  ]);
}

export const gridOf = (info: ModelInfo): PatchGrid => ({ rows: info.tokenGrid.rows, cols: info.tokenGrid.cols });

/** The k most attended patches, most attended first; k is clamped to the grid. */
export function outliersAtK(outliers: OutlierRecord, k: number): PatchIndex[] {
  return selectOutliers(outliers.scores, Math.min(k, outliers.scores.length)) as PatchIndex[];
}

export function captionText(tokens: readonly CaptionToken[]): string {
  return tokens.map((t) => t.text).join('');
}

/** The settings' layer/head choice made concrete for a model. */
export function attentionSelection(
  settings: Pick<Settings, 'layerFrom' | 'layerTo' | 'head'>,
  info: ModelInfo,
): AttentionSelection {
  const layers = info.decoder.layers;
  const layerFrom = Math.min(settings.layerFrom, layers - 1);
  const layerTo = settings.layerTo === null ? layers : Math.min(Math.max(settings.layerTo, layerFrom + 1), layers);
  const head = settings.head === 'mean' || settings.head >= info.decoder.heads ? 'mean' : settings.head;
  return { layerFrom, layerTo, head };
}

const sameSelection = (a: AttentionSelection, b: AttentionSelection): boolean =>
  a.layerFrom === b.layerFrom && a.layerTo === b.layerTo && a.head === b.head;

export type TokenAttention =
  | { readonly kind: 'values'; readonly values: Float32Array; readonly from: 'stream' | 'detail' }
  /** Another layer/head selection than the run streamed: the full detail has to be fetched first. */
  | { readonly kind: 'needs-detail' }
  | { readonly kind: 'missing'; readonly reason: string };

/**
 * A token's attention over the image tokens for the wanted selection: the streamed frame when the run used that
 * selection, else re-aggregated on this thread from the fetched [layers, heads, imageTokens] detail.
 */
export function tokenAttention(
  attention: AttentionSlice,
  recipe: RunRecipe | undefined,
  ref: TokenRef,
  wanted: AttentionSelection,
): TokenAttention {
  const key = tokenKey(ref);
  const detail = attention.details[key];
  if (detail) {
    const range = { layerFrom: wanted.layerFrom, layerTo: wanted.layerTo };
    const values =
      wanted.head === 'mean'
        ? aggregateAttention('mean-heads', detail, range)
        : aggregateAttention('one-head', detail, { ...range, head: wanted.head });
    return { kind: 'values', values, from: 'detail' };
  }
  const frame = attention.frames[key];
  if (frame && recipe && sameSelection(recipe.attention, wanted))
    return { kind: 'values', values: frame.values, from: 'stream' };
  const failed = attention.detailErrors[key];
  if (failed) return { kind: 'missing', reason: failed };
  if (!frame)
    return {
      kind: 'missing',
      reason: 'No attention arrived for this token (the model may not export decoder attention).',
    };
  return { kind: 'needs-detail' };
}

export interface TextPiece {
  readonly text: string;
  readonly source: 'prompt' | 'caption';
  readonly value: number;
}

/** A token's attention over the text it saw, under a layer/head selection, and where its attention went in total. */
export interface TextAttentionView {
  /** The prompt's text tokens, then the caption's tokens before this one. */
  readonly pieces: readonly TextPiece[];
  readonly values: Float32Array;
  /** The image tokens sat before pieces[imageAt]. */
  readonly imageAt: number;
  /** Attention (mean over the selection) on the image, the prompt's text and the caption so far; they sum to 1. */
  readonly totals: { readonly image: number; readonly prompt: number; readonly caption: number };
}

const sum = (values: Float32Array, from = 0, to = values.length): number => {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i];
  return total;
};

/**
 * The selected token's attention over the prompt and the caption before it, aggregated like its image map; undefined
 * until its full detail (image and text) has arrived.
 */
export function textAttention(
  attention: AttentionSlice,
  ref: TokenRef,
  wanted: AttentionSelection,
  captionTokens: readonly CaptionToken[],
): TextAttentionView | undefined {
  const key = tokenKey(ref);
  const text = attention.texts?.[key];
  const image = attention.details[key];
  if (!text || !image) return undefined;
  const aggregate = (stack: AttentionStack) => {
    const range = { layerFrom: wanted.layerFrom, layerTo: wanted.layerTo };
    return wanted.head === 'mean'
      ? aggregateAttention('mean-heads', stack, range)
      : aggregateAttention('one-head', stack, { ...range, head: wanted.head });
  };
  const values = aggregate(text.stack);
  const promptLength = text.prompt.length;
  const pieces = Array.from(values, (value, i): TextPiece => {
    if (i < promptLength) return { text: text.prompt[i], source: 'prompt', value };
    return { text: captionTokens[i - promptLength]?.text ?? '', source: 'caption', value };
  });
  return {
    pieces,
    values,
    imageAt: text.imageAt,
    totals: {
      image: sum(aggregate(image)),
      prompt: sum(values, 0, promptLength),
      caption: sum(values, promptLength),
    },
  };
}

/** The share of this attention on the given outlier patches; NaN when the token gave the image no attention. */
export function shareOnOutliers(values: Float32Array, outliers: readonly number[]): number {
  return outlierShare(values, outliers);
}

/** Each token's share of its (streamed) image attention on the run's outliers; NaN where none arrived. */
export function captionOutlierShares(
  attention: AttentionSlice,
  outliers: OutlierRecord | undefined,
  k: number,
  caption: TokenRef['caption'],
  tokens: readonly CaptionToken[],
): number[] {
  if (!outliers) return tokens.map(() => Number.NaN);
  const patches = outliersAtK(outliers, k);
  return tokens.map((t) => {
    const frame = attention.frames[tokenKey({ caption, step: t.step })];
    return frame ? outlierShare(frame.values, patches) : Number.NaN;
  });
}

/** The methods to compare beside the captions, at their papers' defaults but where set; absent when none is chosen. */
export function comparedMethods(
  settings: Pick<Settings, 'methods' | 'methodParams'>,
): readonly ComparedMethod[] | undefined {
  if (!settings.methods.length) return undefined;
  return settings.methods.map((method) => {
    const { params } = withDefaults(method);
    return { method, params: { ...params, ...settings.methodParams[method] } };
  });
}
