// The production inference worker in Chromium (WebGPU) on the built-in synthetic SmolVLM (Idefics3 layout, no
// CLS, pixel shuffle): both captions, adapted per-token outliers and attention frames, matching the same engine on
// ORT's wasm backend in Node.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import type { WorkerEvent } from '../../src/protocol/messages';
import { nodeEngine, runParams, runToEnd, testImage, tokensOf } from '../support/tiny-llava';
import { collectErrors, launchChromium } from './chromium';
import { productionWorkerUrl, runInWorker } from './worker-run';

const root = new URL('../../', import.meta.url).pathname;
const MODEL = 'synthetic-smolvlm-tiny';

describe('inference worker in Chromium on the synthetic SmolVLM', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('streams both captions, adapted outliers on the 4 × 4 token grid and attention frames, matching Node', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    // 256 px is the processor's first resize target, so that step does not resample (canvas and sharp differ);
    // the tile resize after it is transformers.js's own tensor interpolation on both sides.
    const params = runParams({ maxNewTokens: 8, image: testImage(256, 256) });
    const result = await runInWorker(page, productionWorkerUrl(), { modelId: MODEL, dtype: 'fp32' }, params);

    expect(result.backend).toBe('webgpu');
    expect(result.info).toMatchObject({ family: 'idefics3', tokenGrid: { rows: 4, cols: 4 }, scorer: { faithful: false } });
    expect(result.info.scorer.label.startsWith(ADAPTED_SCORE_NOTICE)).toBe(true);
    const failure = result.events.find((e) => e.type === 'run/error');
    expect(failure, failure?.type === 'run/error' ? failure.error.message : '').toBeUndefined();
    const outliers = result.events.find((e) => e.type === 'run/outliers');
    if (outliers?.type !== 'run/outliers') throw new Error('no outliers event');
    expect(outliers.scores).toHaveLength(16);
    expect(result.events.filter((e) => e.type === 'run/attention')).toHaveLength(result.events.filter((e) => e.type === 'run/token').length);

    const { engine, events } = nodeEngine(`${root}public/models/${MODEL}`);
    await engine['model/load']({ modelId: MODEL, dtype: 'fp32' });
    const wasm = await runToEnd(engine, events, params);
    const wasmOutliers = wasm.find((e): e is Extract<WorkerEvent, { type: 'run/outliers' }> => e.type === 'run/outliers')!;
    expect(Array.from(outliers.indices)).toEqual(Array.from(wasmOutliers.indices));
    outliers.scores.forEach((score, i) => expect(Math.abs(score - wasmOutliers.scores[i])).toBeLessThan(1e-4));
    for (const caption of ['baseline', 'damro'] as const) {
      expect(tokensOf(result.events, caption), `${caption} on WebGPU vs wasm`).toEqual(tokensOf(wasm, caption));
      expect(tokensOf(result.events, caption).length).toBeGreaterThan(0);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
