// Decoder attention from one generated token to the image-token keys arrives as [layers, heads, imageTokens]; the paper
// does not say which layers/heads its maps average (src/core/damro-spec.md §5), so the choice is a named option.
import { LensError } from '../../protocol/errors';

/** Attention rows over the image-token positions, row-major [layers, heads, imageTokens]. */
export interface AttentionStack {
  readonly data: Float32Array;
  readonly layers: number;
  readonly heads: number;
  readonly imageTokens: number;
}

export interface AggregateOptions {
  /** First layer included (default 0). */
  readonly layerFrom?: number;
  /** One past the last layer included (default all). */
  readonly layerTo?: number;
  /** The head for 'one-head'. */
  readonly head?: number;
}

function meanOverLayers(
  stack: AttentionStack,
  options: AggregateOptions,
  headFrom: number,
  headTo: number,
): Float32Array {
  const { data, layers, heads, imageTokens } = stack;
  if (data.length !== layers * heads * imageTokens) {
    throw new LensError(
      'bad-request',
      `Attention holds ${data.length} values but [${layers}, ${heads}, ${imageTokens}] needs ${layers * heads * imageTokens}.`,
    );
  }
  const from = options.layerFrom ?? 0;
  const to = options.layerTo ?? layers;
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from < to && to <= layers)) {
    throw new LensError('bad-request', `Layer range [${from}, ${to}) is not inside the model's ${layers} layers.`);
  }
  const sum = new Float64Array(imageTokens);
  for (let l = from; l < to; l++) {
    for (let h = headFrom; h < headTo; h++) {
      const base = (l * heads + h) * imageTokens;
      for (let t = 0; t < imageTokens; t++) sum[t] += data[base + t];
    }
  }
  const count = (to - from) * (headTo - headFrom);
  return Float32Array.from(sum, (s) => s / count);
}

export type Aggregator = (stack: AttentionStack, options: AggregateOptions) => Float32Array;

export const ATTENTION_AGGREGATORS = {
  'mean-heads': (stack, options) => meanOverLayers(stack, options, 0, stack.heads),
  'one-head': (stack, options) => {
    const head = options.head;
    if (head === undefined || !Number.isInteger(head) || head < 0 || head >= stack.heads) {
      throw new LensError('bad-request', `'one-head' needs a head index from 0 to ${stack.heads - 1}, got ${head}.`);
    }
    return meanOverLayers(stack, options, head, head + 1);
  },
} as const satisfies Record<string, Aggregator>;

export type AggregatorName = keyof typeof ATTENTION_AGGREGATORS;

/** One value per image token: the named reduction over heads, averaged over the layer range. */
export function aggregateAttention(name: string, stack: AttentionStack, options: AggregateOptions = {}): Float32Array {
  const aggregate: Aggregator | undefined = (ATTENTION_AGGREGATORS as Record<string, Aggregator>)[name];
  if (!aggregate)
    throw new LensError(
      'bad-request',
      `Unknown attention aggregator '${name}'; use one of ${Object.keys(ATTENTION_AGGREGATORS).join(', ')}.`,
    );
  return aggregate(stack, options);
}
