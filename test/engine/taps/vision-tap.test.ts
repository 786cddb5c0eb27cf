// The vision tap on the factory's tiny LLaVA, run by onnxruntime-web (wasm) in Node, against the float64
// reference forward pass: DAMRO's CLS scores in both variants, and the no-CLS substitutes.
import { describe, expect, it } from 'vitest';
import { OUTLIER_SCORERS, type OutlierScorerName } from '../../../src/core/attention/outliers';
import { scanModel } from '../../../src/engine/onnx/scan';
import { ort } from '../../../src/engine/runtime/ort';
import { readDecoderAttention, tapDecoder } from '../../../src/engine/taps/decoder-tap';
import { readVisionScores, tapVisionEncoder } from '../../../src/engine/taps/vision-tap';
import { SIZES } from '../../../src/factory/llava/dims';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import { referenceVision, type VisionLayerReference } from '../../../src/factory/reference/vision-forward';
import { toyAttentionModel } from '../../support/toy-attention';

const v = SIZES.tiny.vision;
/** vision_feature_layer = -2: the penultimate of the config's layers, the last one the graph runs. */
const LAYER = v.layers - 2;
const model = makeLlavaModel({ size: 'tiny', dtype: 'fp32' });
const original = model.files.get('onnx/vision_encoder.onnx')!;

function pixels(phase: number): Float32Array {
  return new Float32Array(3 * v.imageSize * v.imageSize).map(
    (_, i) => 2 * Math.sin(i * 0.37 + phase) * Math.cos(i * 0.011),
  );
}

// Independent oracles in float64 from the reference's per-layer tensors (src/core/damro-spec.md §1.2).
function clsSingleHead(ref: VisionLayerReference, tokens: number): number[] {
  const d = v.hidden;
  const logits = Array.from({ length: tokens }, (_, j) => {
    let dot = 0;
    for (let e = 0; e < d; e++) dot += ref.qProj[e]! * ref.kProj[j * d + e]!;
    return dot / Math.sqrt(d);
  });
  const max = Math.max(...logits);
  const exp = logits.map((x) => Math.exp(x - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum).slice(1);
}
const headMean = (ref: VisionLayerReference, tokens: number) =>
  Array.from({ length: tokens - 1 }, (_, j) => {
    let s = 0;
    for (let h = 0; h < v.heads; h++) s += ref.attention[h * tokens * tokens + j + 1]!;
    return s / v.heads;
  });
const received = (ref: VisionLayerReference, tokens: number) =>
  Array.from({ length: tokens }, (_, j) => {
    let s = 0;
    for (let r = 0; r < v.heads * tokens; r++) s += ref.attention[r * tokens + j]!;
    return s / (v.heads * tokens);
  });
const norms = (ref: VisionLayerReference, tokens: number) =>
  Array.from({ length: tokens }, (_, t) => Math.hypot(...ref.output.subarray(t * v.hidden, (t + 1) * v.hidden)));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('tapVisionEncoder on the tiny LLaVA (ORT wasm)', () => {
  const scorers = Object.keys(OUTLIER_SCORERS) as (keyof typeof OUTLIER_SCORERS)[];

  it('every scorer equals the reference forward pass within 1e-5, for each image of a batch', async () => {
    const { bytes, tap } = tapVisionEncoder(original, { layer: LAYER, scorers });
    const images = [pixels(0), pixels(1.3)];
    const batch = new Float32Array(images.length * images[0]!.length);
    images.forEach((p, b) => batch.set(p, b * p.length));
    const session = await ort.InferenceSession.create(bytes);
    const outputs = await session.run({
      pixel_values: new ort.Tensor('float32', batch, [2, 3, v.imageSize, v.imageSize]),
    });
    await session.release();

    for (const [b, image] of images.entries()) {
      const ref = referenceVision(model.weights, image);
      const layer = ref.layers[LAYER]!;
      const scores = readVisionScores(tap, outputs, b);
      expect(maxAbsDiff(scores['clip-single-head']!, clsSingleHead(layer, ref.tokens))).toBeLessThan(1e-5);
      expect(maxAbsDiff(scores['head-mean']!, headMean(layer, ref.tokens))).toBeLessThan(1e-5);
      expect(maxAbsDiff(scores['mean-received-attention']!, received(layer, ref.tokens))).toBeLessThan(1e-5);
      const expectedNorms = norms(layer, ref.tokens);
      const scale = Math.max(...expectedNorms);
      expect(maxAbsDiff(scores['token-norm']!, expectedNorms) / scale).toBeLessThan(1e-5);
      // The factory built its outliers into these patches: DAMRO's score must find them.
      const top = [...scores['clip-single-head']!.keys()].sort(
        (i, j) => scores['clip-single-head']![j]! - scores['clip-single-head']![i]!,
      );
      expect(top.slice(0, model.weights.outlierPatches.length).sort()).toEqual(
        [...model.weights.outlierPatches].sort(),
      );
    }
  });

  it('leaves the encoder’s own output bit-identical and taps any other layer on request', async () => {
    const { bytes, tap } = tapVisionEncoder(original, { layer: 0, scorers: ['head-mean'] });
    const feeds = { pixel_values: new ort.Tensor('float32', pixels(2.9), [1, 3, v.imageSize, v.imageSize]) };
    const plain = await ort.InferenceSession.create(original);
    const tapped = await ort.InferenceSession.create(bytes);
    const a = await plain.run(feeds);
    const b = await tapped.run(feeds);
    await Promise.all([plain.release(), tapped.release()]);
    expect(b.image_features!.data).toEqual(a.image_features!.data);
    const ref = referenceVision(model.weights, pixels(2.9));
    expect(maxAbsDiff(readVisionScores(tap, b)['head-mean']!, headMean(ref.layers[0]!, ref.tokens))).toBeLessThan(1e-5);
  });

  it('counts a negative layer from the last one the graph runs (layer −1 = layer 1 of 0..1)', async () => {
    const { bytes, tap } = tapVisionEncoder(original, { layer: -1, scorers: ['head-mean'] });
    expect(tap.layer).toBe(1);
    const session = await ort.InferenceSession.create(bytes);
    const outputs = await session.run({
      pixel_values: new ort.Tensor('float32', pixels(2.9), [1, 3, v.imageSize, v.imageSize]),
    });
    await session.release();
    const ref = referenceVision(model.weights, pixels(2.9));
    expect(maxAbsDiff(readVisionScores(tap, outputs)['head-mean']!, headMean(ref.layers[1]!, ref.tokens))).toBeLessThan(
      1e-5,
    );
  });

  it('refuses a layer the graph does not run', () => {
    expect(() => tapVisionEncoder(original, { layer: v.layers - 1, scorers: ['head-mean'] })).toThrow(/layers 0\.\.1/);
  });

  it('refuses an unknown scorer with a bad-request error that lists the scorers', () => {
    expect(() => tapVisionEncoder(original, { layer: 0, scorers: ['nope' as OutlierScorerName] })).toThrow(
      expect.objectContaining({
        code: 'bad-request',
        message:
          "Unknown outlier scorer 'nope'; use one of clip-single-head, head-mean, mean-received-attention, token-norm.",
      }),
    );
  });
});

describe('tap reductions follow the model’s opset', () => {
  it('ReduceMean takes its axes as an attribute before opset 18 and as an input from 18 on, with equal results', async () => {
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: 12 }, (_, i) => Math.cos(i * 1.3)),
      [1, 1, 3, 4],
    );
    const results = [];
    for (const version of [17, 18]) {
      const toy = toyAttentionModel(['/enc/layers.0/attn'], { opsets: [{ domain: '', version }] });
      const { bytes, tap } = tapVisionEncoder(toy, { layer: 0, scorers: ['head-mean', 'mean-received-attention'] });
      const means = scanModel(bytes).graph.nodes.filter((n) => n.opType === 'ReduceMean');
      expect(means.map((n) => [n.inputs.length, n.attributes.map((a) => a.name)])).toEqual(
        version >= 18
          ? [
              [2, ['keepdims']],
              [2, ['keepdims']],
            ]
          : [
              [1, ['axes', 'keepdims']],
              [1, ['axes', 'keepdims']],
            ],
      );
      const session = await ort.InferenceSession.create(bytes);
      results.push(readVisionScores(tap, await session.run({ x })));
      await session.release();
    }
    expect(results[0]!['head-mean']!.length).toBe(2);
    expect(results[0]!['mean-received-attention']!.length).toBe(3);
    // Received attention over 3 queries of a softmax sums to 1 per query: the column means sum to 1.
    expect(results[0]!['mean-received-attention']!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(results[1]).toEqual(results[0]);
  });
});

describe('exports that fold heads into the batch ([batch·heads, T, T])', () => {
  it('refuse to read per-head reductions instead of returning wrong rows', async () => {
    const toy = toyAttentionModel(['/enc/layers.0/attn'], { foldedHeads: true });
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: 12 }, (_, i) => Math.cos(i)),
      [1, 3, 4],
    );
    const vision = tapVisionEncoder(toy, { layer: 0, scorers: ['head-mean', 'clip-single-head'] });
    const session = await ort.InferenceSession.create(vision.bytes);
    const outputs = await session.run({ x });
    await session.release();
    expect(() => readVisionScores(vision.tap, outputs)).toThrow(/heads folded into the batch/);

    const decoder = tapDecoder(toy);
    const decoderSession = await ort.InferenceSession.create(decoder.bytes);
    const decoderOutputs = await decoderSession.run({ x });
    await decoderSession.release();
    expect(() => readDecoderAttention(decoder.tap, decoderOutputs, 0, 0, 3)).toThrow(/not rank 4/);
  });
});

describe('one-image towers (Qwen2-VL), with or without a batch axis', () => {
  it('read the same received attention from [1, heads, T, T] as the batched tap, and from [T, T] rows of one head', async () => {
    // The same numbers as [1, 1, 3, 4] (batch and one head) and as [1, 3, 4] (no batch axis, one head).
    const values = Float32Array.from({ length: 12 }, (_, i) => Math.cos(i * 0.9));
    const read = async (folded: boolean, oneImage: boolean) => {
      const toy = toyAttentionModel(['/enc/layers.0/attn'], { foldedHeads: folded });
      const { bytes, tap } = tapVisionEncoder(toy, { layer: 0, scorers: ['mean-received-attention'], oneImage });
      const session = await ort.InferenceSession.create(bytes);
      const outputs = await session.run({ x: new ort.Tensor('float32', values, folded ? [1, 3, 4] : [1, 1, 3, 4]) });
      await session.release();
      return readVisionScores(tap, outputs)['mean-received-attention']!;
    };
    const batched = await read(false, false);
    expect(batched).toHaveLength(3);
    expect(Array.from(await read(false, true))).toEqual(Array.from(batched));
    // Without a batch axis the probabilities are [heads = 1, 3, 3]: the same softmax rows, the same means.
    const unbatched = await read(true, true);
    unbatched.forEach((score, j) => expect(Math.abs(score - batched[j]!)).toBeLessThan(1e-6));
  });
});
