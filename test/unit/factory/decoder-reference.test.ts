// ORT (onnxruntime-web wasm in Node) against the float64 reference forward pass of embed_tokens and the
// decoder: a left-padded batch of two, prefilled from an empty past, then one cached step.
import { describe, expect, it } from 'vitest';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import { DECODER_TENSORS as T } from '../../../src/factory/llava/tensor-names';
import { withGraphOutputs } from '../../../src/factory/onnx/add-outputs';
import { effectiveWeights } from '../../../src/factory/quant/dequantized-weights';
import { referenceDecoder, referenceEmbed } from '../../../src/factory/reference/decoder-forward';
import { emptyPast, f32, i64, maxAbsDiff, Q4_TOLERANCE, q4LogitAgreement, run, type Feeds } from './helpers';

const IDS = [
  [3, 3, 3, 1, 20, 61, 100],
  [1, 30, 41, 7, 150, 9, 12],
];
const MASK = [
  [0, 0, 0, 1, 1, 1, 1],
  [1, 1, 1, 1, 1, 1, 1],
];
// transformers.js's position ids for left padding: cumulative sum of the mask minus one, pads at 1.
const POSITIONS = [
  [1, 1, 1, 0, 1, 2, 3],
  [0, 1, 2, 3, 4, 5, 6],
];
const NEXT = [[42], [88]];

async function prefillAndStep(dtype: 'fp32' | 'q4') {
  const model = makeLlavaModel({ size: 'tiny', dtype });
  const suffix = dtype === 'q4' ? '_q4' : '';
  const layers = model.weights.dims.text.layers;
  const decoder = withGraphOutputs(
    model.files.get(`onnx/decoder_model_merged${suffix}.onnx`)!,
    Array.from({ length: layers }, (_, l) => T.softmax(l)),
  );
  const embed = model.files.get(`onnx/embed_tokens${suffix}.onnx`)!;
  const hidden = model.weights.dims.text.hidden;

  const embeds = (await run(embed, { input_ids: i64(IDS) })).inputs_embeds!;
  const prefill = await run(decoder, {
    inputs_embeds: f32(embeds, [2, 7, hidden]),
    attention_mask: i64(MASK),
    position_ids: i64(POSITIONS),
    ...emptyPast(model.weights, 2),
  });
  const stepFeeds: Feeds = {
    inputs_embeds: f32((await run(embed, { input_ids: i64(NEXT) })).inputs_embeds!, [2, 1, hidden]),
    attention_mask: i64(MASK.map((row) => [...row, 1])),
    position_ids: i64([[4], [7]]),
  };
  const d = model.weights.dims.text;
  for (let l = 0; l < layers; l++) {
    stepFeeds[T.pastKey(l)] = f32(prefill[T.presentKey(l)]!, [2, d.heads, 7, hidden / d.heads]);
    stepFeeds[T.pastValue(l)] = f32(prefill[T.presentValue(l)]!, [2, d.heads, 7, hidden / d.heads]);
  }
  const step = await run(decoder, stepFeeds);
  return { model, embeds, prefill, step };
}

describe.each(['fp32', 'q4'] as const)('decoder %s', (dtype) => {
  it('embeddings, logits, attention and the grown cache match the reference within 1e-4', async () => {
    const { model, embeds, prefill, step } = await prefillAndStep(dtype);
    const w = effectiveWeights(model.weights, dtype);
    expect(maxAbsDiff(embeds, referenceEmbed(w, IDS))).toBe(0);

    const ref = referenceDecoder(w, { embeds, batch: 2, attentionMask: MASK, positionIds: POSITIONS });
    expect(maxAbsDiff(prefill.logits!, ref.logits)).toBeLessThan(1e-4);
    ref.attention.forEach((a, l) => expect(maxAbsDiff(prefill[T.softmax(l)]!, a)).toBeLessThan(1e-4));
    ref.present.forEach((kv, l) => {
      expect(maxAbsDiff(prefill[T.presentKey(l)]!, kv.key)).toBeLessThan(1e-4);
      expect(maxAbsDiff(prefill[T.presentValue(l)]!, kv.value)).toBeLessThan(1e-4);
    });

    const refStep = referenceDecoder(w, {
      embeds: referenceEmbed(w, NEXT),
      batch: 2,
      attentionMask: MASK.map((row) => [...row, 1]),
      positionIds: [[4], [7]],
      past: ref.present,
    });
    expect(maxAbsDiff(step.logits!, refStep.logits)).toBeLessThan(1e-4);
    refStep.attention.forEach((a, l) => expect(maxAbsDiff(step[T.softmax(l)]!, a)).toBeLessThan(1e-4));
  });
});

describe('masking', () => {
  it('a left-padded row gives the same logits as the unpadded sequence alone', async () => {
    const { model, prefill } = await prefillAndStep('fp32');
    const w = model.weights;
    const alone = referenceDecoder(w, {
      embeds: referenceEmbed(w, [IDS[0]!.slice(3)]),
      batch: 1,
      attentionMask: [[1, 1, 1, 1]],
      positionIds: [[0, 1, 2, 3]],
    });
    const vocab = w.dims.text.vocabSize;
    expect(maxAbsDiff(prefill.logits!.subarray(3 * vocab, 7 * vocab), alone.logits)).toBeLessThan(1e-4);
    // Padding query rows see no key at all and fall back to a uniform row, as with torch's finfo.min mask.
    const att = prefill[T.softmax(0)]!;
    expect(att[0]).toBeCloseTo(1 / 7, 6);
  });
});

describe('q4 against fp32', () => {
  // 4-bit block-32 weights move random-weight logits by up to ~10% of their range; the stated tolerance for
  // the q4 variant is max |Δ| ≤ 15% of the fp32 logits' range with cosine similarity ≥ 0.97.
  it('logits stay within the stated q4 tolerance of the fp32 model', async () => {
    const [fp32, q4] = await Promise.all([prefillAndStep('fp32'), prefillAndStep('q4')]);
    for (const [a, b] of [
      [fp32.prefill.logits!, q4.prefill.logits!],
      [fp32.step.logits!, q4.step.logits!],
    ] as const) {
      expect(q4LogitAgreement(a, b).maxDiffOverRange).toBeGreaterThan(0);
      expect(q4LogitAgreement(a, b).maxDiffOverRange).toBeLessThan(Q4_TOLERANCE.maxDiffOverRange);
      expect(q4LogitAgreement(a, b).cosine).toBeGreaterThan(Q4_TOLERANCE.cosine);
    }
  });
});
