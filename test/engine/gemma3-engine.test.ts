// The real engine on the synthetic Gemma 3 (SigLIP-like tower without CLS, 2 × 2 average pooling inside
// vision_encoder, Gemma3Processor's <start_of_image> expansion) in Node, against independent oracles:
// transformers.js's own Gemma3ForConditionalGeneration.generate(), the factory's float64 references of the tower and
// the decoder, the outlier patches it planted, and
// the token ↔ image-region mapping worked out by hand for an image that is wider than tall.
import { describe, expect, it } from 'vitest';
import { patchRectInImage } from '../../src/core/geometry/patches';
import type { PatchIndex } from '../../src/core/geometry/spaces';
import { AutoProcessor, Gemma3ForConditionalGeneration } from '../../src/engine/runtime/hf';
import { makeGemma3Model } from '../../src/factory/gemma3/make-model';
import { referenceDecoder, referenceEmbed } from '../../src/factory/reference/decoder-forward';
import { referenceSiglipVision } from '../../src/factory/reference/vision-forward';
import { GEMMA3_IDS } from '../../src/factory/gemma3/vocabulary';
import { gridOf, processorPlanFor } from '../../src/state/derive';
import {
  expectAdaptedLoad,
  expectOutliersOnGrid,
  expectPatchesInsideTheirTokens,
  firstFrameOf,
  lastRowImageAttention,
  meanReceivedAttention,
  outliersOf,
  useFamilyEngine,
  visionFeatures,
} from '../support/family-engine';
import { captionChat, greedyGenerate, runParams, testRawImage, tokensOf } from '../support/tiny-llava';

const gemma3 = useFamilyEngine('tiny-gemma3', makeGemma3Model);

/** The image token that pools patch p of the 8 × 8 patch grid (2 × 2 blocks → 4 × 4 tokens). */
const tokenOfPatch = (p: number) => Math.floor(Math.floor(p / 8) / 2) * 4 + Math.floor((p % 8) / 2);

describe('engine on the tiny synthetic Gemma 3', () => {
  it('loads as gemma3 with the adapted score on the 4 × 4 pooled token grid, the image stretched to 64 px', () => {
    expectAdaptedLoad(gemma3.info, {
      family: 'gemma3',
      tokenGrid: { rows: 4, cols: 4 },
      decoder: { layers: 2, heads: 4 },
      stretchedTo: 64,
      scorer: 'mean-received-attention',
    });
  });

  it('greedy baseline is token-identical to transformers.js Gemma3ForConditionalGeneration.generate()', async () => {
    const run = await gemma3.run(runParams({ captions: ['baseline'] }));
    const processor = await AutoProcessor.from_pretrained(gemma3.modelId);
    const reference = await Gemma3ForConditionalGeneration.from_pretrained(gemma3.modelId);
    const inputs = await processor(captionChat(processor), testRawImage());
    const ids = (inputs.input_ids.tolist()[0] as bigint[]).map(Number);
    // <bos><start_of_turn>user <start_of_image> <image_soft_token>×16 <end_of_image> …: one pooled token per block.
    expect(ids.slice(0, 4)).toEqual([GEMMA3_IDS.bos, GEMMA3_IDS.start, ids[2], GEMMA3_IDS.boi]);
    expect(ids.filter((id) => id === GEMMA3_IDS.image)).toHaveLength(16);
    expect(ids[4 + 16]).toBe(GEMMA3_IDS.eoi);
    const expected = await greedyGenerate(reference, inputs, [GEMMA3_IDS.end, GEMMA3_IDS.eos]);
    expect(expected.length).toBeGreaterThan(3);
    expect(tokensOf(run, 'baseline')).toEqual(expected);
  });

  it('the outliers are the pooled tokens holding the planted outlier patches, with frames on the token grid', async () => {
    const run = await gemma3.run(runParams({ damro: { alpha: 1, beta: 0.1, k: 2 } }));
    const outliers = expectOutliersOnGrid(run, { rows: 4, cols: 4 });
    // The planted patches lie in different 2 × 2 blocks, so each gives one distinct outlier token.
    const planted = new Set(gemma3.model.outlierPatches.map(tokenOfPatch));
    expect(planted.size).toBe(gemma3.model.outlierPatches.length);
    expect(new Set(Array.from(outliers.indices))).toEqual(planted);
    expect(tokensOf(run, 'damro').length).toBeGreaterThan(0);
    // Without image padding, α = 0 reproduces the baseline.
    const same = await gemma3.run(runParams({ damro: { alpha: 0, beta: 0.1, k: 2 } }));
    expect(tokensOf(same, 'damro')).toEqual(tokensOf(same, 'baseline'));
  });

  it('each token’s score is the maximum over its 2 × 2 block of the reference tower’s mean received attention', async () => {
    const run = await gemma3.run(runParams({ captions: ['baseline'], maxNewTokens: 1 }));
    const processor = await AutoProcessor.from_pretrained(gemma3.modelId);
    const { pixel_values: pixels } = (await processor.image_processor!(testRawImage())) as {
      pixel_values: { data: Float32Array };
    };
    // The projector reads the last layer: mean over 2 heads × 64 queries of the attention each patch receives.
    const { attention } = referenceSiglipVision(gemma3.model.weights, pixels.data).at(-1)!;
    const received = meanReceivedAttention(attention, 2, 64);
    const expected = new Float64Array(16).fill(-Infinity);
    received.forEach((score, p) => (expected[tokenOfPatch(p)] = Math.max(expected[tokenOfPatch(p)]!, score)));
    const { scores } = outliersOf(run);
    expect(scores).toHaveLength(16);
    scores.forEach((score, t) => expect(Math.abs(score - expected[t]!)).toBeLessThan(1e-6));
  });

  it('the first baseline attention frame equals the reference decoder on transformers.js’s own prompt, 1-based positions', async () => {
    const run = await gemma3.run(runParams({ captions: ['baseline'], maxNewTokens: 1 }));
    const frame = firstFrameOf(run);
    const processor = await AutoProcessor.from_pretrained(gemma3.modelId);
    const inputs = await processor(captionChat(processor), testRawImage());
    const ids = (inputs.input_ids.tolist()[0] as bigint[]).map(Number);
    const features = await visionFeatures(gemma3.model.files, { pixel_values: inputs.pixel_values.ort_tensor });
    const hidden = gemma3.model.dims.base.text.hidden;
    const embeds = referenceEmbed(gemma3.model.weights, [ids]);
    const start = ids.indexOf(GEMMA3_IDS.image);
    embeds.set(features.data as Float32Array, start * hidden);
    const n = ids.length;
    const { attention } = referenceDecoder(gemma3.model.weights, {
      embeds,
      batch: 1,
      attentionMask: [ids.map(() => 1)],
      positionIds: [ids.map((_, i) => i + 1)],
    });
    // The frame is the mean over both layers and all 4 heads of the last prompt row's attention to the image keys.
    const expected = lastRowImageAttention(attention, { heads: 4, n, start, tokens: 16 });
    expect(frame.values).toHaveLength(16);
    frame.values.forEach((value, j) => expect(Math.abs(value - expected[j]!)).toBeLessThan(1e-5));
    expect(Math.max(...frame.values) - Math.min(...frame.values)).toBeGreaterThan(1e-4);
  });

  it('on a 48 × 40 image each pooled token covers a 12 × 10 px region holding its own patches', () => {
    // The processor stretches 48 × 40 to 64 × 64: x scales by 64/48, y by 64/40. A token is 2 × 2 patches of 8 px
    // = 16 × 16 model px = 12 × 10 image px, so token (row 1, col 2) = index 6 starts at (2·12, 1·10) = (24, 10).
    const plan = processorPlanFor(gemma3.info, { width: 48, height: 40 });
    const tokens = gridOf(gemma3.info);
    const tokenRect = patchRectInImage(plan, tokens, 6 as PatchIndex);
    expect(tokenRect.x).toBeCloseTo(24, 9);
    expect(tokenRect.y).toBeCloseTo(10, 9);
    expect(tokenRect.width).toBeCloseTo(12, 9);
    expect(tokenRect.height).toBeCloseTo(10, 9);
    // Every patch of the 8 × 8 tower grid lies inside the region of the token that pools it.
    expectPatchesInsideTheirTokens(plan, { rows: 8, cols: 8 }, tokens, tokenOfPatch);
  });
});
