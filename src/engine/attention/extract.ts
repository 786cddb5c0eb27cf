import { aggregateAttention } from '../../core/attention/aggregate';
import { outlierShare } from '../../core/attention/share';
import type { AttentionSelection, ModelInfo } from '../../protocol/messages';

/**
 * The compact frame streamed per generated token: the selected layers and heads reduced to one value per image
 * token, plus the share of that attention on DAMRO's outliers. Full detail stays in the worker.
 */
export function summariseFrame(
  frame: Float32Array,
  decoder: ModelInfo['decoder'],
  selection: AttentionSelection,
  outliers: Int32Array,
): { values: Float32Array; outlierShare: number } {
  const imageTokens = frame.length / (decoder.layers * decoder.heads);
  const stack = { data: frame, layers: decoder.layers, heads: decoder.heads, imageTokens };
  const range = { layerFrom: selection.layerFrom, layerTo: selection.layerTo };
  const values =
    selection.head === 'mean'
      ? aggregateAttention('mean-heads', stack, range)
      : aggregateAttention('one-head', stack, { ...range, head: selection.head });
  return { values, outlierShare: outlierShare(values, Array.from(outliers)) };
}
