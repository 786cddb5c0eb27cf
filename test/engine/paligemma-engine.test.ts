// The real engine on the synthetic PaliGemma (SigLIP-like tower without CLS, one linear projector so patch p is image
// token p, PaliGemmaProcessor's "<image>…<bos>task\n" prompt, a soft-capped decoder with no attention_mask that
// attends to every key of a call) in Node, against independent oracles: transformers.js's own
// PaliGemmaForConditionalGeneration.generate(), the factory's float64 references of the tower and the decoder, the
// outlier patches it planted, and the token ↔ image-region mapping worked out by hand for an image wider than tall.
import { describe, expect, it } from 'vitest';
import { METHODS } from '../../src/core/methods/registry';
import { patchRectInImage } from '../../src/core/geometry/patches';
import type { PatchIndex } from '../../src/core/geometry/spaces';
import { AutoProcessor, PaliGemmaForConditionalGeneration } from '../../src/engine/runtime/hf';
import { PALIGEMMA_SOFTCAP } from '../../src/factory/paligemma/dims';
import { makePaliGemmaModel } from '../../src/factory/paligemma/make-model';
import { PALIGEMMA_IDS, PALIGEMMA_VOCABULARY } from '../../src/factory/paligemma/vocabulary';
import { referenceDecoder, referenceEmbed } from '../../src/factory/reference/decoder-forward';
import { referenceSiglipVision } from '../../src/factory/reference/vision-forward';
import type { ComparedMethod } from '../../src/protocol/messages';
import { gridOf, processorPlanFor } from '../../src/state/derive';
import {
  expectAdaptedLoad,
  expectOutliersOnGrid,
  firstFrameOf,
  lastRowImageAttention,
  meanReceivedAttention,
  outliersOf,
  useFamilyEngine,
  visionFeatures,
} from '../support/family-engine';
import { greedyGenerate, methodTokensOf, runParams, testRawImage, tokensOf } from '../support/tiny-llava';

const paligemma = useFamilyEngine('tiny-paligemma', makePaliGemmaModel);

/** runParams()'s caption prompt as PaliGemmaProcessor is asked it: the task prefix alone, its <image> in front. */
const CAPTION_TASK = '<image>caption en';

/** transformers.js's own processing of the caption task and testImage(): input ids, pixels, and its image features. */
async function transformersInputs() {
  const processor = await AutoProcessor.from_pretrained(paligemma.modelId);
  const inputs = await processor(testRawImage(), CAPTION_TASK);
  const ids = (inputs.input_ids.tolist()[0] as bigint[]).map(Number);
  return { processor, inputs, ids };
}

describe('engine on the tiny synthetic PaliGemma', () => {
  it('loads as paligemma with the adapted score on the 4 × 4 patch grid, the image stretched to 32 px', () => {
    expectAdaptedLoad(paligemma.info, {
      family: 'paligemma',
      tokenGrid: { rows: 4, cols: 4 },
      decoder: { layers: 2, heads: 4 },
      stretchedTo: 32,
      scorer: 'mean-received-attention',
    });
  });

  it('greedy baseline is token-identical to transformers.js PaliGemmaForConditionalGeneration.generate()', async () => {
    const run = await paligemma.run(runParams({ captions: ['baseline'] }));
    const { inputs, ids } = await transformersInputs();
    // <image>×16 <bos> caption en: the processor's layout, with no chat template and no <bos> in front.
    const word = (w: string) => PALIGEMMA_VOCABULARY.indexOf(w);
    expect(ids).toEqual([
      ...Array<number>(16).fill(PALIGEMMA_IDS.image),
      PALIGEMMA_IDS.bos,
      word('caption'),
      word('en'),
    ]);
    const reference = await PaliGemmaForConditionalGeneration.from_pretrained(paligemma.modelId);
    const expected = await greedyGenerate(reference, inputs, PALIGEMMA_IDS.eos);
    expect(expected.length).toBeGreaterThan(3);
    expect(tokensOf(run, 'baseline')).toEqual(expected);
  });

  it('the outliers are the planted outlier patches themselves, one token each, with frames on the token grid', async () => {
    const run = await paligemma.run(runParams({ damro: { alpha: 1, beta: 0.1, k: 2 } }));
    const outliers = expectOutliersOnGrid(run, { rows: 4, cols: 4 });
    expect(new Set(Array.from(outliers.indices))).toEqual(new Set(paligemma.model.outlierPatches));
    expect(tokensOf(run, 'damro').length).toBeGreaterThan(0);
    // α = 0 reproduces the baseline: the outlier row, run in its own group, leaves the full row's logits alone.
    const same = await paligemma.run(runParams({ damro: { alpha: 0, beta: 0.1, k: 2 } }));
    expect(tokensOf(same, 'damro')).toEqual(tokensOf(same, 'baseline'));
  });

  it('compared methods at zero strength equal the baseline, with rows of several lengths in one run', async () => {
    // VCD's noised image row has the full row's length, M3ID's image-free row and AvisC's rows their own.
    const methods: ComparedMethod[] = [
      { method: 'vcd', params: { ...METHODS.vcd.defaults, alpha: 0 } },
      { method: 'm3id', params: { ...METHODS.m3id.defaults, lambda: 0 } },
      { method: 'avisc', params: { ...METHODS.avisc.defaults, alpha: 0 } },
    ];
    const run = await paligemma.run(runParams({ methods, damro: { alpha: 0, beta: 0.1, k: 2 } }));
    const baseline = tokensOf(run, 'baseline');
    expect(baseline.length).toBeGreaterThan(3);
    expect(tokensOf(run, 'damro')).toEqual(baseline);
    for (const { method } of methods) expect(methodTokensOf(run, method), method).toEqual(baseline);
  });

  it('each token’s score is its own patch’s mean received attention in the reference tower’s last layer', async () => {
    const run = await paligemma.run(runParams({ captions: ['baseline'], maxNewTokens: 1 }));
    const processor = await AutoProcessor.from_pretrained(paligemma.modelId);
    const { pixel_values: pixels } = (await processor.image_processor!(testRawImage())) as {
      pixel_values: { data: Float32Array };
    };
    // Mean over 2 heads × 16 queries of the attention each patch receives.
    const { attention } = referenceSiglipVision(paligemma.model.weights, pixels.data).at(-1)!;
    const expected = meanReceivedAttention(attention, 2, 16);
    const { scores } = outliersOf(run);
    expect(scores).toHaveLength(16);
    scores.forEach((score, t) => expect(Math.abs(score - expected[t]!)).toBeLessThan(1e-6));
  });

  it('the first attention frame equals the reference decoder attending over the whole prompt, not causally', async () => {
    const run = await paligemma.run(runParams({ captions: ['baseline'], maxNewTokens: 1 }));
    const frame = firstFrameOf(run);
    const { inputs, ids } = await transformersInputs();
    const features = await visionFeatures(paligemma.model.files, { pixel_values: inputs.pixel_values.ort_tensor });
    const embeds = referenceEmbed(paligemma.model.weights, [ids]);
    embeds.set(features.data as Float32Array, 0);
    const n = ids.length;
    // The frame is the mean over both layers and all 4 heads of the last prompt row's attention to the 16 image keys.
    const frameOf = (wholeCall: boolean) => {
      const { attention } = referenceDecoder(paligemma.model.weights, {
        embeds,
        batch: 1,
        attentionMask: [ids.map(() => 1)],
        positionIds: [ids.map((_, i) => i + 1)],
        wholeCall,
        softcap: PALIGEMMA_SOFTCAP,
      });
      return lastRowImageAttention(attention, { heads: 4, n, start: 0, tokens: 16 });
    };
    const expected = frameOf(true);
    expect(frame.values).toHaveLength(16);
    frame.values.forEach((value, j) => expect(Math.abs(value - expected[j]!)).toBeLessThan(1e-5));
    // The second layer reads image states that, bidirectionally, have already seen the text: a causal prefix would
    // give another frame, so this test tells the two masks apart.
    const causal = frameOf(false);
    expect(Math.max(...causal.map((value, j) => Math.abs(value - expected[j]!)))).toBeGreaterThan(1e-4);
    expect(Math.max(...frame.values) - Math.min(...frame.values)).toBeGreaterThan(1e-4);
  });

  it('on a 48 × 40 image each token covers a 12 × 10 px region, the stretched patch grid', () => {
    // The processor stretches 48 × 40 to 32 × 32: x scales by 32/48, y by 32/40. A token is one 8 px patch
    // = 12 × 10 image px, so token (row 1, col 2) = index 6 starts at (2·12, 1·10) = (24, 10).
    const plan = processorPlanFor(paligemma.info, { width: 48, height: 40 });
    const tokens = gridOf(paligemma.info);
    const rect = patchRectInImage(plan, tokens, 6 as PatchIndex);
    expect(rect.x).toBeCloseTo(24, 9);
    expect(rect.y).toBeCloseTo(10, 9);
    expect(rect.width).toBeCloseTo(12, 9);
    expect(rect.height).toBeCloseTo(10, 9);
    // The last token, (3, 3), ends at the image's far corner.
    const last = patchRectInImage(plan, tokens, 15 as PatchIndex);
    expect(last.x + last.width).toBeCloseTo(48, 9);
    expect(last.y + last.height).toBeCloseTo(40, 9);
  });
});
