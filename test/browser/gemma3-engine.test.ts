// The production inference worker in Chromium (WebGPU) on the built-in synthetic Gemma 3 (no CLS, 2 × 2 average
// pooling inside vision_encoder, Gemma3Processor's prompt expansion): both captions, adapted per-token outliers and
// attention frames, matching the same engine on ORT's wasm backend in Node.
import { describe, expect, inject, it } from 'vitest';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import { runParams, testImage } from '../support/tiny-llava';
import { collectErrors, useChromium } from './chromium';
import { expectSameAsNode, productionWorkerUrl, runInWorker } from './worker-run';

const MODEL = 'synthetic-gemma3-tiny';

describe('inference worker in Chromium on the synthetic Gemma 3', () => {
  const chromium = useChromium();

  it('streams both captions, adapted outliers on the 4 × 4 pooled token grid and attention frames, matching Node', async () => {
    const page = await chromium.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    // 64 px is the processor's resize target, so the image is not resampled (canvas and sharp differ).
    const params = runParams({ maxNewTokens: 8, image: testImage(64, 64) });
    const result = await runInWorker(page, productionWorkerUrl(), { modelId: MODEL, dtype: 'fp32' }, params);

    expect(result.backend).toBe('webgpu');
    expect(result.info).toMatchObject({
      family: 'gemma3',
      tokenGrid: { rows: 4, cols: 4 },
      scorer: { faithful: false },
    });
    expect(result.info.scorer.label.startsWith(ADAPTED_SCORE_NOTICE)).toBe(true);
    await expectSameAsNode(result, { modelId: MODEL, dtype: 'fp32' }, params);
    expect(errors).toEqual([]);
    await page.close();
  });
});
