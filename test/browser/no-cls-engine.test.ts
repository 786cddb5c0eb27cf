// The production inference worker in Chromium (WebGPU) on the built-in synthetic models whose vision towers have no
// CLS token and whose LLM tokens each stand for a block of patches (SmolVLM's pixel shuffle, Gemma 3's average pool
// inside vision_encoder, Qwen2-VL's and Qwen2.5-VL's 2 × 2 merger with a per-image grid and M-RoPE): both captions,
// adapted per-token outliers and attention frames, matching the same engine on ORT's wasm backend in Node.
import { describe, expect, inject, it } from 'vitest';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import { runParams, testImage } from '../support/tiny-llava';
import { collectErrors, useChromium } from './chromium';
import { expectSameAsNode, productionWorkerUrl, runInWorker } from './worker-run';

// `side`: the processor's (first) resize target, so that step does not resample (canvas and sharp differ); SmolVLM's
// tile resize after it is transformers.js's own tensor interpolation on both sides. `tokenGrid`: the model's grid (for
// Qwen2-VL a square image's at max_pixels; a 32 px image gets its own 4 × 4).
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
    name: 'Qwen2-VL (2 × 2 merger, per-image grid, M-RoPE)',
    modelId: 'synthetic-qwen2vl-tiny',
    family: 'qwen2_vl',
    side: 32,
    tokenGrid: { rows: 6, cols: 6 },
  },
  {
    name: 'Qwen2.5-VL (windowed tower, per-image grid, M-RoPE)',
    modelId: 'synthetic-qwen25vl-tiny',
    family: 'qwen2_5_vl',
    side: 32,
    tokenGrid: { rows: 6, cols: 6 },
  },
] as const;

describe.each(MODELS)('inference worker in Chromium on the synthetic $name', ({ modelId, family, side, tokenGrid }) => {
  const chromium = useChromium();

  it('streams both captions, adapted outliers on the 4 × 4 token grid and attention frames, matching Node', async () => {
    const page = await chromium.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    const params = runParams({ maxNewTokens: 8, image: testImage(side, side) });
    const result = await runInWorker(page, productionWorkerUrl(), { modelId, dtype: 'fp32' }, params);

    expect(result.backend).toBe('webgpu');
    expect(result.info).toMatchObject({ family, tokenGrid, scorer: { faithful: false } });
    expect(result.info.scorer.label.startsWith(ADAPTED_SCORE_NOTICE)).toBe(true);
    await expectSameAsNode(result, { modelId, dtype: 'fp32' }, params);
    // The run's own grid: every model's image tokens here lie on 4 × 4 (for Qwen2-VL, the 32 px image's).
    const outliers = result.events.find((e) => e.type === 'run/outliers');
    expect(outliers?.type === 'run/outliers' && outliers.grid).toEqual({ rows: 4, cols: 4 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
