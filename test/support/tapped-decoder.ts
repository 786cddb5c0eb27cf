// One two-row prefill and one cached step through a (tapped) decoder of the factory's tiny LLaVA, with the float64
// reference forward pass over the same feeds beside them: what the decoder-tap tests on the plain and the If-merged
// decoder both check their taps against.
import { expect } from 'vitest';
import { ort } from '../../src/engine/runtime/ort';
import type { LlavaWeights } from '../../src/factory/llava/weights';
import { headDim } from '../../src/factory/llava/dims';
import { referenceDecoder, referenceEmbed, type DecoderReference } from '../../src/factory/reference/decoder-forward';
import { Rng } from '../../src/factory/rng';

type Feeds = Record<string, ort.Tensor>;

export const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
export const i64 = (rows: number[][]) =>
  new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);

/** Two rows of different lengths, as the baseline and DAMRO's outlier row: the shorter one is left-padded. */
export function twoRowBatch(hidden: number, seedLabel: string) {
  const LENGTHS = [9, 6];
  const WIDTH = Math.max(...LENGTHS);
  const PAD = LENGTHS.map((n) => WIDTH - n);
  const rng = new Rng(7, seedLabel);
  return {
    LENGTHS,
    WIDTH,
    PAD,
    MASK: PAD.map((p) => Array.from({ length: WIDTH }, (_, i) => (i < p ? 0 : 1))),
    POSITIONS: PAD.map((p) => Array.from({ length: WIDTH }, (_, i) => (i < p ? 1 : i - p))),
    EMBEDS: Float32Array.from({ length: 2 * WIDTH * hidden }, () => rng.normal()),
    NEXT: [[42], [88]],
  };
}

export type TwoRowBatch = ReturnType<typeof twoRowBatch>;

export interface PrefillAndStep {
  readonly prefillFeeds: Feeds;
  readonly stepFeeds: Feeds;
  readonly prefill: ort.InferenceSession.OnnxValueMapType;
  readonly step: ort.InferenceSession.OnnxValueMapType;
  readonly prefillRef: DecoderReference;
  readonly stepRef: DecoderReference;
}

/** Runs the batch's prefill (empty past) and one cached step (the prefill's present as past) through `decoder`;
 * `branchFlag` gives the extra feeds an If-merged decoder takes for each. */
export async function prefillAndStep(
  decoder: ort.InferenceSession,
  embed: ort.InferenceSession,
  weights: LlavaWeights,
  batch: TwoRowBatch,
  branchFlag: (withPast: boolean) => Feeds = () => ({}),
): Promise<PrefillAndStep> {
  const t = weights.dims.text;
  const d = headDim(t.hidden, t.heads);
  const { WIDTH, MASK, POSITIONS, EMBEDS, NEXT, LENGTHS } = batch;
  const prefillFeeds: Feeds = {
    inputs_embeds: f32(EMBEDS, [2, WIDTH, t.hidden]),
    attention_mask: i64(MASK),
    position_ids: i64(POSITIONS),
    ...branchFlag(false),
  };
  for (let l = 0; l < t.layers; l++)
    for (const kind of ['key', 'value'])
      prefillFeeds[`past_key_values.${l}.${kind}`] = f32(new Float32Array(0), [2, t.heads, 0, d]);
  const prefill = await decoder.run(prefillFeeds);
  const prefillRef = referenceDecoder(weights, {
    embeds: EMBEDS,
    batch: 2,
    attentionMask: MASK,
    positionIds: POSITIONS,
  });

  const stepMask = MASK.map((row) => [...row, 1]);
  const stepPositions = LENGTHS.map((n) => [n]);
  const stepFeeds: Feeds = {
    inputs_embeds: (await embed.run({ input_ids: i64(NEXT) })).inputs_embeds!,
    attention_mask: i64(stepMask),
    position_ids: i64(stepPositions),
    ...branchFlag(true),
  };
  for (let l = 0; l < t.layers; l++)
    for (const kind of ['key', 'value']) stepFeeds[`past_key_values.${l}.${kind}`] = prefill[`present.${l}.${kind}`]!;
  const step = await decoder.run(stepFeeds);
  const stepRef = referenceDecoder(weights, {
    embeds: referenceEmbed(weights, NEXT),
    batch: 2,
    attentionMask: stepMask,
    positionIds: stepPositions,
    past: prefillRef.present,
  });
  return { prefillFeeds, stepFeeds, prefill, step, prefillRef, stepRef };
}

/** Reference attention of row b, last query, keys [start, start+count) → [layers, heads, count]. */
export function expectedRow(
  ref: DecoderReference,
  weights: LlavaWeights,
  b: number,
  seq: number,
  total: number,
  start = 0,
  count = total,
): Float64Array {
  const { layers, heads } = weights.dims.text;
  const out = new Float64Array(layers * heads * count);
  ref.attention.forEach((probs, l) => {
    for (let h = 0; h < heads; h++) {
      const row = ((b * heads + h) * seq + seq - 1) * total;
      for (let j = 0; j < count; j++) out[(l * heads + h) * count + j] = probs[row + start + j]!;
    }
  });
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
