// The demo model ships fp32, q4 and q4f16 graphs side by side, as Hub repos do. Through the production worker in
// Chromium: q4 runs on WebGPU; q4f16 needs shader-f16, which SwiftShader lacks, so the engine runs it on WASM
// instead of failing. Both give the same captions as the engine in Node.
import { describe, expect, inject, it } from 'vitest';
import type { Dtype } from '../../src/protocol/messages';
import { runParams, testImage } from '../support/tiny-llava';
import { collectErrors, useChromium } from './chromium';
import { expectSameAsNode, productionWorkerUrl, runInWorker } from './worker-run';

const DEMO = 'synthetic-llava-tiny';

describe('the demo model in other dtypes, in Chromium', () => {
  const chromium = useChromium();

  it.each([
    ['q4', 'webgpu'],
    ['q4f16', 'wasm'],
  ] as const)('%s runs on %s and matches Node', async (dtype: Dtype, backend) => {
    const page = await chromium.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    const params = runParams({ maxNewTokens: 6, image: testImage(32, 32) });
    const result = await runInWorker(page, productionWorkerUrl(), { modelId: DEMO, dtype }, params);
    expect(result.shaderF16, 'SwiftShader has no shader-f16').toBe(false);
    expect(result.info).toMatchObject({ dtype, backend });
    expect(result.loadedFiles).toContain(`onnx/decoder_model_merged_${dtype}.onnx`);
    await expectSameAsNode(result, { modelId: DEMO, dtype }, params);
    expect(errors).toEqual([]);
    await page.close();
  });
});
