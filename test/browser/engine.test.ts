// The production inference worker (dist/assets/inference.worker-*.js) driven over its typed protocol in
// Chromium on WebGPU, with the embedded demo model the site serves; its captions are compared with the same
// engine on ORT's wasm backend in Node.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WorkerEvent } from '../../src/protocol/messages';
import { nodeEngine, runParams, runToEnd, testImage, tokensOf } from '../support/tiny-llava';
import { collectErrors, launchChromium } from './chromium';
import { productionWorkerUrl, runInWorker } from './worker-run';

const root = new URL('../../', import.meta.url).pathname;
const DEMO = 'synthetic-llava-tiny';

describe('inference worker in Chromium (WebGPU)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads the demo model and streams both captions, outliers and attention frames, matching Node', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    // The model's own input size, so neither side resizes: the browser resizes with a canvas and Node with
    // sharp, which interpolate differently and would give the two backends different pixels.
    const params = runParams({ maxNewTokens: 10, image: testImage(32, 32) });
    const result = await runInWorker(page, productionWorkerUrl(), { modelId: DEMO, dtype: 'fp32' }, params);

    expect(result.backend).toBe('webgpu');
    expect(result.loadedFiles).toEqual(expect.arrayContaining(['config.json', 'onnx/decoder_model_merged.onnx']));
    const failure = result.events.find((e) => e.type === 'run/error');
    expect(failure, failure?.type === 'run/error' ? failure.error.message : '').toBeUndefined();
    expect(result.events.filter((e) => e.type === 'run/outliers')).toHaveLength(1);
    const tokens = result.events.filter((e) => e.type === 'run/token');
    expect(result.events.filter((e) => e.type === 'run/attention')).toHaveLength(tokens.length);
    expect(result.events.some((e) => e.type === 'run/finished')).toBe(true);

    const { engine, events } = nodeEngine(`${root}public/models/${DEMO}`);
    await engine['model/load']({ modelId: DEMO, dtype: 'fp32' });
    const wasm = await runToEnd(engine, events, params);
    // The step inspector's numbers agree too: same candidates, logits within WebGPU's float tolerance.
    const firstStep = (run: WorkerEvent[]) => run.find((e) => e.type === 'run/step' && e.step === 0);
    const [gpuStep, cpuStep] = [firstStep(result.events), firstStep(wasm)];
    if (gpuStep?.type !== 'run/step' || cpuStep?.type !== 'run/step') throw new Error('no step diagnostics');
    expect(gpuStep.combined.map((c) => c.tokenId)).toEqual(cpuStep.combined.map((c) => c.tokenId));
    gpuStep.full.forEach((candidate, i) => expect(Math.abs(candidate.score - cpuStep.full[i].score)).toBeLessThan(2e-3));
    for (const caption of ['baseline', 'damro'] as const) {
      expect(tokensOf(result.events, caption), `${caption} on WebGPU vs wasm`).toEqual(tokensOf(wasm, caption));
      expect(tokensOf(result.events, caption).length).toBeGreaterThan(0);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
