// The production inference worker in Chromium (WebGPU) on the built-in synthetic LLaVA whose decoder is fused
// GroupQueryAttention (rotary inside, no position_ids): rows run one by one, attention frames are recomputed from
// the query and the present keys, and captions and frames match the same engine on ORT's wasm backend in Node.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WorkerEvent } from '../../src/protocol/messages';
import { nodeEngine, runParams, runToEnd, testImage, tokensOf } from '../support/tiny-llava';
import { collectErrors, launchChromium } from './chromium';
import { productionWorkerUrl, runInWorker } from './worker-run';

const root = new URL('../../', import.meta.url).pathname;
const MODEL = 'synthetic-llava-gqa-tiny';

describe('inference worker in Chromium on the synthetic LLaVA with a GroupQueryAttention decoder', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('streams both captions, CLS outliers and recomputed attention frames, matching Node', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    // The model's own input size, so neither side resizes (canvas and sharp interpolate differently).
    const params = runParams({ maxNewTokens: 8, image: testImage(32, 32) });
    const result = await runInWorker(page, productionWorkerUrl(), { modelId: MODEL, dtype: 'fp32' }, params);

    expect(result.backend).toBe('webgpu');
    expect(result.info).toMatchObject({ family: 'llava', tokenGrid: { rows: 4, cols: 4 }, scorer: { name: 'clip-single-head', faithful: true } });
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
    // Frames from recomputed rows agree across backends too.
    const frames = (run: WorkerEvent[]) => run.filter((e): e is Extract<WorkerEvent, { type: 'run/attention' }> => e.type === 'run/attention');
    const [gpuFrames, cpuFrames] = [frames(result.events), frames(wasm)];
    expect(gpuFrames.length).toBe(cpuFrames.length);
    gpuFrames.forEach((frame, i) => frame.values.forEach((v, j) => expect(Math.abs(v - cpuFrames[i]!.values[j]!)).toBeLessThan(1e-3)));
    for (const caption of ['baseline', 'damro'] as const) {
      expect(tokensOf(result.events, caption), `${caption} on WebGPU vs wasm`).toEqual(tokensOf(wasm, caption));
      expect(tokensOf(result.events, caption).length).toBeGreaterThan(0);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
