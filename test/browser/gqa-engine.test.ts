// The production inference worker in Chromium (WebGPU) on the built-in synthetic LLaVA whose decoder is fused
// GroupQueryAttention (rotary inside, no position_ids): the three rows run as one right-padded batch, attention frames
// are computed in the graph from the query and the present keys (the KV cache stays in GPU buffers), and captions and
// frames match the same engine on ORT's wasm backend in Node.
import { describe, expect, inject, it } from 'vitest';
import { runParams, testImage } from '../support/tiny-llava';
import { collectErrors, useChromium } from './chromium';
import { expectSameAsNode, productionWorkerUrl, runInWorker } from './worker-run';

const MODEL = 'synthetic-llava-gqa-tiny';

describe('inference worker in Chromium on the synthetic LLaVA with a GroupQueryAttention decoder', () => {
  const chromium = useChromium();

  it('streams both captions, CLS outliers and in-graph attention frames, matching Node', async () => {
    const page = await chromium.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    // The model's own input size, so neither side resizes (canvas and sharp interpolate differently).
    const params = runParams({ maxNewTokens: 8, image: testImage(32, 32) });
    const result = await runInWorker(page, productionWorkerUrl(), { modelId: MODEL, dtype: 'fp32' }, params);

    expect(result.backend).toBe('webgpu');
    expect(result.info).toMatchObject({
      family: 'llava',
      tokenGrid: { rows: 4, cols: 4 },
      scorer: { name: 'clip-single-head', faithful: true },
    });
    await expectSameAsNode(result, { modelId: MODEL, dtype: 'fp32' }, params);
    expect(errors).toEqual([]);
    await page.close();
  });
});
