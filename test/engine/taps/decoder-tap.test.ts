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
import { referenceDecoder } from '../../../src/factory/reference/decoder-forward';
import { expectedRow, maxAbsDiff, prefillAndStep, twoRowBatch } from '../../support/tapped-decoder';

const model = makeLlavaModel({ size: 'tiny', dtype: 'fp32' });
const t = model.weights.dims.text;
const original = model.files.get('onnx/decoder_model_merged.onnx')!;
const embedFile = model.files.get('onnx/embed_tokens.onnx')!;

const batch = twoRowBatch(t.hidden, 'decoder-tap');
const { LENGTHS, WIDTH, PAD, EMBEDS, MASK, POSITIONS } = batch;
const SPANS = [
  { start: 2, length: 5 },
  { start: 1, length: 3 },
];

describe('tapDecoder on the tiny LLaVA (ORT wasm)', () => {
  it('gives every layer and head of the generated position over the image keys, prefill and cached step', async () => {
    const { bytes, tap } = tapDecoder(original);
    expect(tap.layers).toBe(t.layers);
    const tapped = await ort.InferenceSession.create(bytes);
    const plain = await ort.InferenceSession.create(original);
    const embed = await ort.InferenceSession.create(embedFile);

    const { prefillFeeds, prefill, step, prefillRef, stepRef } = await prefillAndStep(
      tapped,
      embed,
      model.weights,
      batch,
    );

    for (let b = 0; b < 2; b++) {
      const start = PAD[b]! + SPANS[b]!.start;
      const count = SPANS[b]!.length;
      const fromPrefill = readDecoderAttention(tap, prefill, b, start, count);
      expect(
        maxAbsDiff(fromPrefill, expectedRow(prefillRef, model.weights, b, WIDTH, WIDTH, start, count)),
      ).toBeLessThan(1e-5);
      const fromStep = readDecoderAttention(tap, step, b, start, count);
      expect(maxAbsDiff(fromStep, expectedRow(stepRef, model.weights, b, 1, WIDTH + 1, start, count))).toBeLessThan(
        1e-5,
      );
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
        headDim: headDim(t.hidden, t.heads),
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
      expect(
        maxAbsDiff(out.attention[b]!, expectedRow(ref, model.weights, b, WIDTH, WIDTH, start, SPANS[b]!.length)),
      ).toBeLessThan(1e-5);
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
