// The production inference worker in Chromium (WebGPU) on the built-in synthetic models whose vision towers have no
// CLS token: LLM tokens that each stand for a block of patches (SmolVLM's pixel shuffle, Gemma 3's average pool
// inside vision_encoder, LFM2-VL's pixel unshuffle, its decoder's convolution state carried on the device) or one
// patch (PaliGemma, whose decoder takes no attention_mask; Moondream 2, a Phi decoder prompted without a chat
// template): both captions, adapted per-token outliers and attention frames, matching the same engine on ORT's wasm
// backend in Node.
import { describe, expect, inject, it } from 'vitest';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import { runParams, testImage } from '../support/tiny-llava';
import { collectErrors, useChromium } from './chromium';
import { expectSameAsNode, productionWorkerUrl, runInWorker } from './worker-run';

// `side`: the processor's (first) resize target, so that step does not resample (canvas and sharp differ); SmolVLM's
// tile resize after it is transformers.js's own tensor interpolation on both sides.
const MODELS = [
  {
    name: 'SmolVLM (Idefics3 layout, pixel shuffle)',
    modelId: 'synthetic-smolvlm-tiny',
    family: 'idefics3',
    side: 256,
    grid: 4,
  },
  { name: 'Gemma 3 (2 × 2 average pool)', modelId: 'synthetic-gemma3-tiny', family: 'gemma3', side: 64, grid: 4 },
  {
    name: 'Moondream 2 (one token per patch, Phi decoder, no chat template)',
    modelId: 'synthetic-moondream-tiny',
    family: 'moondream1',
    side: 70,
    grid: 5,
  },
  {
    name: 'PaliGemma 2 (one token per patch, no attention_mask)',
    modelId: 'synthetic-paligemma-tiny',
    family: 'paligemma',
    side: 32,
    grid: 4,
  },
  // The adapter stretches the image to the 32 px tile; a 32 px image is not resampled.
  {
    name: 'LFM2-VL (hybrid convolution decoder, 2 × 2 pixel unshuffle)',
    modelId: 'synthetic-lfm2vl-tiny',
    family: 'lfm2_vl',
    side: 32,
    grid: 4,
  },
] as const;

describe.each(MODELS)('inference worker in Chromium on the synthetic $name', ({ modelId, family, side, grid }) => {
  const chromium = useChromium();

  it('streams both captions, adapted outliers on the token grid and attention frames, matching Node', async () => {
    const page = await chromium.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    const params = runParams({ maxNewTokens: 8, image: testImage(side, side) });
    const result = await runInWorker(page, productionWorkerUrl(), { modelId, dtype: 'fp32' }, params);

    expect(result.backend).toBe('webgpu');
    expect(result.info).toMatchObject({ family, tokenGrid: { rows: grid, cols: grid }, scorer: { faithful: false } });
    expect(result.info.scorer.label.startsWith(ADAPTED_SCORE_NOTICE)).toBe(true);
    await expectSameAsNode(result, { modelId, dtype: 'fp32' }, params);
    expect(errors).toEqual([]);
    await page.close();
  });
});
