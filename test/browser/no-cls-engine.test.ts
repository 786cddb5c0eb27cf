// The production inference worker in Chromium (WebGPU) on the built-in synthetic models whose vision towers have no
// CLS token: LLM tokens that each stand for a block of patches (SmolVLM's pixel shuffle, Gemma 3's average pool
// inside vision_encoder, LFM2-VL's pixel unshuffle with its decoder's convolution state carried on the device,
// Qwen2-VL's and Qwen2.5-VL's 2 × 2 merger with a per-image grid and M-RoPE) or one patch (PaliGemma, whose decoder
// takes no attention_mask; Moondream 2, a Phi decoder prompted without a chat template): both captions, adapted
// per-token outliers and attention frames, matching the same engine on ORT's wasm backend in Node.
import { describe, expect, inject, it } from 'vitest';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import { runParams, testImage } from '../support/tiny-llava';
import { collectErrors, useChromium } from './chromium';
import { expectSameAsNode, productionWorkerUrl, runInWorker } from './worker-run';

// `side`: the processor's (first) resize target, so that step does not resample (canvas and sharp differ); SmolVLM's
// tile resize after it is transformers.js's own tensor interpolation on both sides. `tokenGrid`: the model's grid (for
// Qwen2-VL a square image's at max_pixels); `runGrid`: the run's, where the processor sizes it to the image.
const MODELS = [
  {
    name: 'SmolVLM (Idefics3 layout, pixel shuffle)',
    modelId: 'synthetic-smolvlm-tiny',
    family: 'idefics3',
    side: 256,
    tokenGrid: { rows: 4, cols: 4 },
  },
  {
    name: 'Gemma 3 (2 × 2 average pool)',
    modelId: 'synthetic-gemma3-tiny',
    family: 'gemma3',
    side: 64,
    tokenGrid: { rows: 4, cols: 4 },
  },
  {
    name: 'Moondream 2 (one token per patch, Phi decoder, no chat template)',
    modelId: 'synthetic-moondream-tiny',
    family: 'moondream1',
    side: 70,
    tokenGrid: { rows: 5, cols: 5 },
  },
  {
    name: 'PaliGemma 2 (one token per patch, no attention_mask)',
    modelId: 'synthetic-paligemma-tiny',
    family: 'paligemma',
    side: 32,
    tokenGrid: { rows: 4, cols: 4 },
  },
  // The adapter stretches the image to the 32 px tile; a 32 px image is not resampled.
  {
    name: 'LFM2-VL (hybrid convolution decoder, 2 × 2 pixel unshuffle)',
    modelId: 'synthetic-lfm2vl-tiny',
    family: 'lfm2_vl',
    side: 32,
    tokenGrid: { rows: 4, cols: 4 },
  },
  {
    name: 'Qwen2-VL (2 × 2 merger, per-image grid, M-RoPE)',
    modelId: 'synthetic-qwen2vl-tiny',
    family: 'qwen2_vl',
    side: 32,
    tokenGrid: { rows: 6, cols: 6 },
    runGrid: { rows: 4, cols: 4 },
  },
  {
    name: 'Qwen2.5-VL (windowed tower, per-image grid, M-RoPE)',
    modelId: 'synthetic-qwen25vl-tiny',
    family: 'qwen2_5_vl',
    side: 32,
    tokenGrid: { rows: 6, cols: 6 },
    runGrid: { rows: 4, cols: 4 },
  },
] as const;

describe.each(MODELS)('inference worker in Chromium on the synthetic $name', (model) => {
  const { modelId, family, side, tokenGrid } = model;
  const chromium = useChromium();

  it('streams both captions, adapted outliers on the token grid and attention frames, matching Node', async () => {
    const page = await chromium.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    const params = runParams({ maxNewTokens: 8, image: testImage(side, side) });
    const result = await runInWorker(page, productionWorkerUrl(), { modelId, dtype: 'fp32' }, params);

    expect(result.backend).toBe('webgpu');
    expect(result.info).toMatchObject({ family, tokenGrid, scorer: { faithful: false } });
    expect(result.info.scorer.label.startsWith(ADAPTED_SCORE_NOTICE)).toBe(true);
    await expectSameAsNode(result, { modelId, dtype: 'fp32' }, params);
    // The run's own grid: the model's, or for Qwen2-VL the 32 px image's 4 × 4.
    const outliers = result.events.find((e) => e.type === 'run/outliers');
    expect(outliers?.type === 'run/outliers' && outliers.grid).toEqual('runGrid' in model ? model.runGrid : tokenGrid);
    expect(errors).toEqual([]);
    await page.close();
  });
});
