// The decoder tap on the factory's tiny LLaVA, run by onnxruntime-web (wasm) in Node: per row, layer and head,
// the generated position's attention over the image keys equals the float64 reference forward pass, through a
// left-padded prefill and a cached step; logits and cache are bit-identical to the untapped decoder.
import { describe, expect, it } from 'vitest';
import { OrtDecoderRunner } from '../../../src/engine/decode/ort-runner';
import { CacheAssembler } from '../../../src/engine/decode/cache-assembler';
import { ort } from '../../../src/engine/runtime/ort';
import { decoderTapReader, readDecoderAttention, tapDecoder } from '../../../src/engine/taps/decoder-tap';
import { headDim } from '../../../src/factory/llava/dims';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import {
  referenceDecoder,
  referenceEmbed,
  type DecoderReference,
} from '../../../src/factory/reference/decoder-forward';
import { Rng } from '../../../src/factory/rng';

const model = makeLlavaModel({ size: 'tiny', dtype: 'fp32' });
const t = model.weights.dims.text;
const d = headDim(t.hidden, t.heads);
const original = model.files.get('onnx/decoder_model_merged.onnx')!;
const embedFile = model.files.get('onnx/embed_tokens.onnx')!;

// Two rows of different lengths, as the baseline and DAMRO's outlier row: the shorter one is left-padded.
const LENGTHS = [9, 6];
const SPANS = [
  { start: 2, length: 5 },
  { start: 1, length: 3 },
];
const WIDTH = Math.max(...LENGTHS);
const PAD = LENGTHS.map((n) => WIDTH - n);
const MASK = PAD.map((p) => Array.from({ length: WIDTH }, (_, i) => (i < p ? 0 : 1)));
const POSITIONS = PAD.map((p) => Array.from({ length: WIDTH }, (_, i) => (i < p ? 1 : i - p)));

const rng = new Rng(7, 'decoder-tap');
const EMBEDS = Float32Array.from({ length: 2 * WIDTH * t.hidden }, () => rng.normal());
const NEXT = [[42], [88]];

type Feeds = Record<string, ort.Tensor>;
const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
const i64 = (rows: number[][]) =>
  new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);

function emptyPast(): Feeds {
  const feeds: Feeds = {};
  for (let l = 0; l < t.layers; l++)
    for (const kind of ['key', 'value'])
      feeds[`past_key_values.${l}.${kind}`] = f32(new Float32Array(0), [2, t.heads, 0, d]);
  return feeds;
}

/** Reference attention of row b, last query, keys [start, start+count) → [layers, heads, count]. */
function expectedRow(
  ref: DecoderReference,
  b: number,
  seq: number,
  total: number,
  start: number,
  count: number,
): Float64Array {
  const out = new Float64Array(t.layers * t.heads * count);
  ref.attention.forEach((probs, l) => {
    for (let h = 0; h < t.heads; h++) {
      const row = ((b * t.heads + h) * seq + seq - 1) * total;
      for (let j = 0; j < count; j++) out[(l * t.heads + h) * count + j] = probs[row + start + j]!;
    }
  });
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('tapDecoder on the tiny LLaVA (ORT wasm)', () => {
  it('gives every layer and head of the generated position over the image keys, prefill and cached step', async () => {
    const { bytes, tap } = tapDecoder(original);
    expect(tap.layers).toBe(t.layers);
    const tapped = await ort.InferenceSession.create(bytes);
    const plain = await ort.InferenceSession.create(original);
    const embed = await ort.InferenceSession.create(embedFile);

    const prefillFeeds: Feeds = {
      inputs_embeds: f32(EMBEDS, [2, WIDTH, t.hidden]),
      attention_mask: i64(MASK),
      position_ids: i64(POSITIONS),
      ...emptyPast(),
    };
    const prefill = await tapped.run(prefillFeeds);
    const prefillRef = referenceDecoder(model.weights, {
      embeds: EMBEDS,
      batch: 2,
      attentionMask: MASK,
      positionIds: POSITIONS,
    });

    const stepMask = MASK.map((row) => [...row, 1]);
    const stepPositions = LENGTHS.map((n) => [n]);
    const stepEmbeds = (await embed.run({ input_ids: i64(NEXT) })).inputs_embeds!;
    const stepFeeds: Feeds = {
      inputs_embeds: stepEmbeds,
      attention_mask: i64(stepMask),
      position_ids: i64(stepPositions),
    };
    for (let l = 0; l < t.layers; l++) {
      stepFeeds[`past_key_values.${l}.key`] = prefill[`present.${l}.key`]!;
      stepFeeds[`past_key_values.${l}.value`] = prefill[`present.${l}.value`]!;
    }
    const step = await tapped.run(stepFeeds);
    const stepRef = referenceDecoder(model.weights, {
      embeds: referenceEmbed(model.weights, NEXT),
      batch: 2,
      attentionMask: stepMask,
      positionIds: stepPositions,
      past: prefillRef.present,
    });

    for (let b = 0; b < 2; b++) {
      const start = PAD[b]! + SPANS[b]!.start;
      const count = SPANS[b]!.length;
      const fromPrefill = readDecoderAttention(tap, prefill, b, start, count);
      expect(maxAbsDiff(fromPrefill, expectedRow(prefillRef, b, WIDTH, WIDTH, start, count))).toBeLessThan(1e-5);
      const fromStep = readDecoderAttention(tap, step, b, start, count);
      expect(maxAbsDiff(fromStep, expectedRow(stepRef, b, 1, WIDTH + 1, start, count))).toBeLessThan(1e-5);
      // Not a constant: the image attention differs between the layers and heads.
      expect(Math.max(...fromStep) - Math.min(...fromStep)).toBeGreaterThan(1e-3);
    }
    // The tap returns only the last query row: [batch, layers·heads, 1, keys].
    expect(prefill[tap.output]!.dims).toEqual([2, t.layers * t.heads, 1, WIDTH]);

    // Logits and cache of the edited model are bit-identical to the unedited model's.
    const untapped = await plain.run(prefillFeeds);
    for (const name of plain.outputNames) expect(prefill[name]!.data).toEqual(untapped[name]!.data);
    // The last-position logits the runner fetches are exactly the last row of the full logits.
    const vocab = t.vocabSize;
    expect(prefill[tap.logits]!.dims).toEqual([2, 1, vocab]);
    const full = untapped.logits!.data as Float32Array;
    for (let b = 0; b < 2; b++) {
      const last = full.subarray(((b + 1) * WIDTH - 1) * vocab, (b + 1) * WIDTH * vocab);
      expect((prefill[tap.logits]!.data as Float32Array).subarray(b * vocab, (b + 1) * vocab)).toEqual(last);
    }
    await Promise.all([tapped.release(), plain.release(), embed.release()]);
  });

  it('plugs into the ORT decoder runner as its tap reader', async () => {
    const { bytes, tap } = tapDecoder(original);
    const decoder = await ort.InferenceSession.create(bytes);
    const embed = await ort.InferenceSession.create(embedFile);
    const assembler = new CacheAssembler(2 * t.layers, 'float32', (bytes) => ort.InferenceSession.create(bytes));
    const runner = new OrtDecoderRunner({
      decoder,
      embed,
      layout: {
        layers: t.layers,
        kvHeads: t.heads,
        headDim: d,
        hidden: t.hidden,
        vocabSize: t.vocabSize,
        padTokenId: 0,
      },
      tap: decoderTapReader(tap),
      assembler,
    });
    const rows = LENGTHS.map((length, b) => ({
      embeds: EMBEDS.subarray((b * WIDTH + PAD[b]!) * t.hidden, (b + 1) * WIDTH * t.hidden),
      length,
      imageSpan: SPANS[b],
    }));
    const out = await runner.prefill(rows);
    const ref = referenceDecoder(model.weights, {
      embeds: EMBEDS,
      batch: 2,
      attentionMask: MASK,
      positionIds: POSITIONS,
    });
    for (let b = 0; b < 2; b++) {
      const start = PAD[b]! + SPANS[b]!.start;
      expect(maxAbsDiff(out.attention[b]!, expectedRow(ref, b, WIDTH, WIDTH, start, SPANS[b]!.length))).toBeLessThan(
        1e-5,
      );
      const lastRef = Float32Array.from(
        ref.logits.subarray(((b + 1) * WIDTH - 1) * t.vocabSize, (b + 1) * WIDTH * t.vocabSize),
      );
      expect(maxAbsDiff(out.logits[b]!, lastRef)).toBeLessThan(1e-4);
    }
    await runner.dispose();
    await Promise.all([decoder.release(), embed.release(), assembler.release()]);
  });

  it('refuses a graph without a logits output, naming what it has', () => {
    const vision = model.files.get('onnx/vision_encoder.onnx')!;
    expect(() => tapDecoder(vision)).toThrow(/no 'logits' output \(its outputs: image_features/);
  });
});
