// The synthetic llava graphs on the WebGPU execution provider of headless Chromium (SwiftShader), against the
// float64 reference forward pass: fp32 within 1e-4, and the q4 variant within the stated tolerance of fp32.
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { headDim, SIZES } from '../../src/factory/llava/dims';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { DECODER_TENSORS as T, VISION_TENSORS } from '../../src/factory/llava/tensor-names';
import { withGraphOutputs } from '../../src/factory/onnx/add-outputs';
import { effectiveWeights } from '../../src/factory/quant/dequantized-weights';
import { referenceDecoder, referenceEmbed } from '../../src/factory/reference/decoder-forward';
import { referenceVision } from '../../src/factory/reference/vision-forward';
import { maxAbsDiff, Q4_TOLERANCE, q4LogitAgreement, testPixels } from '../unit/factory/helpers';
import type { HarnessResult, HarnessTensor } from './harness/harness';
import { collectErrors, launchChromium } from './chromium';

const tiny = SIZES.tiny;
const IDS = [
  [3, 3, 1, 20, 61, 100],
  [1, 30, 41, 7, 150, 9],
];
const MASK = [
  [0, 0, 1, 1, 1, 1],
  [1, 1, 1, 1, 1, 1],
];
const POSITIONS = [
  [1, 1, 0, 1, 2, 3],
  [0, 1, 2, 3, 4, 5],
];

const models = {
  fp32: makeLlavaModel({ size: 'tiny', dtype: 'fp32' }),
  q4: makeLlavaModel({ size: 'tiny', dtype: 'q4' }),
};
const file = (dtype: 'fp32' | 'q4', session: string) =>
  models[dtype].files.get(`onnx/${session}${dtype === 'q4' ? '_q4' : ''}.onnx`)!;
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const float = (data: ArrayLike<number>, dims: number[]): HarnessTensor => ({
  type: 'float32',
  dims,
  data: Array.from(data),
});
const int64 = (rows: number[][]): HarnessTensor => ({
  type: 'int64',
  dims: [rows.length, rows[0]!.length],
  data: rows.flat(),
});

function decoderFeeds(
  embeds: ArrayLike<number>,
  past: (l: number, kind: 'key' | 'value') => HarnessTensor,
  mask = MASK,
  positions = POSITIONS,
) {
  const feeds: Record<string, HarnessTensor> = {
    inputs_embeds: float(embeds, [2, positions[0]!.length, tiny.text.hidden]),
    attention_mask: int64(mask),
    position_ids: int64(positions),
  };
  for (let l = 0; l < tiny.text.layers; l++) {
    feeds[T.pastKey(l)] = past(l, 'key');
    feeds[T.pastValue(l)] = past(l, 'value');
  }
  return feeds;
}
const d = headDim(tiny.text.hidden, tiny.text.heads);
const emptyPast = () => float([], [2, tiny.text.heads, 0, d]);

describe('synthetic llava on the WebGPU EP in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const runOnnx = (model: Uint8Array, feeds: Record<string, HarnessTensor>, verbose = false): Promise<HarnessResult> =>
    page.evaluate(
      ([m, f, v]) =>
        (
          window as unknown as { runOnnx: (m: string, f: unknown, ep: string, v: boolean) => Promise<HarnessResult> }
        ).runOnnx(m, f, 'webgpu', v),
      [base64(model), feeds, verbose] as const,
    );

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    errors = collectErrors(page);
    await page.goto(inject('harnessUrl'));
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 60_000 });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('fp32 vision encoder: image features and per-layer attention equal the reference within 1e-4', async () => {
    const taps = [0, 1].map((l) => VISION_TENSORS.softmax(l));
    const pixels = testPixels(tiny.vision.imageSize, 0.7);
    const { outputs } = await runOnnx(withGraphOutputs(file('fp32', 'vision_encoder'), taps), {
      pixel_values: float(pixels, [1, 3, tiny.vision.imageSize, tiny.vision.imageSize]),
    });
    const ref = referenceVision(models.fp32.weights, pixels);
    expect(maxAbsDiff(outputs[VISION_TENSORS.output]!.data, ref.imageFeatures)).toBeLessThan(1e-4);
    ref.layers.forEach((layer, l) => expect(maxAbsDiff(outputs[taps[l]!]!.data, layer.attention)).toBeLessThan(1e-4));
  });

  it('fp32 decoder: a left-padded prefill and a cached step give the reference logits and attention within 1e-4', async () => {
    const w = models.fp32.weights;
    const taps = Array.from({ length: tiny.text.layers }, (_, l) => T.softmax(l));
    const decoder = withGraphOutputs(file('fp32', 'decoder_model_merged'), taps);
    const embeds = referenceEmbed(w, IDS);
    const prefill = await runOnnx(decoder, decoderFeeds(embeds, emptyPast));
    const ref = referenceDecoder(w, { embeds, batch: 2, attentionMask: MASK, positionIds: POSITIONS });
    expect(maxAbsDiff(prefill.outputs.logits!.data, ref.logits)).toBeLessThan(1e-4);
    ref.attention.forEach((a, l) => expect(maxAbsDiff(prefill.outputs[taps[l]!]!.data, a)).toBeLessThan(1e-4));

    const next = referenceEmbed(w, [[42], [88]]);
    const mask = MASK.map((row) => [...row, 1]);
    const positions = [[4], [6]];
    const past = (l: number, kind: 'key' | 'value') => {
      const out = prefill.outputs[kind === 'key' ? T.presentKey(l) : T.presentValue(l)]!;
      return float(out.data, out.dims);
    };
    const step = await runOnnx(decoder, decoderFeeds(next, past, mask, positions));
    const refStep = referenceDecoder(w, {
      embeds: next,
      batch: 2,
      attentionMask: mask,
      positionIds: positions,
      past: ref.present,
    });
    expect(maxAbsDiff(step.outputs.logits!.data, refStep.logits)).toBeLessThan(1e-4);
  });

  it('q4 decoder (MatMulNBits) loads on WebGPU: equals its dequantised reference and stays within the q4 tolerance of fp32', async () => {
    const embeds = referenceEmbed(models.fp32.weights, IDS);
    const log: string[] = [];
    const listen = (m: ConsoleMessage) => log.push(m.text());
    page.on('console', listen);
    const { outputs } = await runOnnx(file('q4', 'decoder_model_merged'), decoderFeeds(embeds, emptyPast), true);
    page.off('console', listen);
    // ORT's verbose log names each WebGPU program it runs: the 4-bit matmuls and the attention ran on the GPU.
    expect(log.some((line) => line.includes('Starting program "MatMulNBits'))).toBe(true);
    expect(log.some((line) => line.includes('Starting program "Softmax'))).toBe(true);
    const q4Ref = referenceDecoder(effectiveWeights(models.q4.weights, 'q4'), {
      embeds,
      batch: 2,
      attentionMask: MASK,
      positionIds: POSITIONS,
    });
    expect(maxAbsDiff(outputs.logits!.data, q4Ref.logits)).toBeLessThan(1e-4);
    const fp32Ref = referenceDecoder(models.fp32.weights, {
      embeds,
      batch: 2,
      attentionMask: MASK,
      positionIds: POSITIONS,
    });
    const agreement = q4LogitAgreement(fp32Ref.logits, outputs.logits!.data);
    expect(agreement.maxDiffOverRange).toBeLessThan(Q4_TOLERANCE.maxDiffOverRange);
    expect(agreement.cosine).toBeGreaterThan(Q4_TOLERANCE.cosine);
  });

  it('q4 vision encoder runs on WebGPU and matches its dequantised reference within 1e-4', async () => {
    const pixels = testPixels(tiny.vision.imageSize, 0.7);
    const { outputs } = await runOnnx(file('q4', 'vision_encoder'), {
      pixel_values: float(pixels, [1, 3, tiny.vision.imageSize, tiny.vision.imageSize]),
    });
    const ref = referenceVision(effectiveWeights(models.q4.weights, 'q4'), pixels);
    expect(maxAbsDiff(outputs[VISION_TENSORS.output]!.data, ref.imageFeatures)).toBeLessThan(1e-4);
    // Only ORT's own log lines (the verbose run above) may appear; nothing else may fail.
    expect(errors.filter((e) => !/\[[VIW]:onnxruntime:/.test(e))).toEqual([]);
  });
});
