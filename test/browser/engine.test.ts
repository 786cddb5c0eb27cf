// The production inference worker (dist/assets/inference.worker-*.js) driven over its typed protocol in
// Chromium on WebGPU, with the embedded demo model the site serves; its captions are compared with the same
// engine on ORT's wasm backend in Node.
import { describe, expect, inject, it } from 'vitest';
import type { WorkerEvent } from '../../src/protocol/messages';
import { runParams, testImage } from '../support/tiny-llava';
import { collectErrors, useChromium } from './chromium';
import { expectSameAsNode, productionWorkerUrl, runInWorker } from './worker-run';

const DEMO = 'synthetic-llava-tiny';

describe('inference worker in Chromium (WebGPU)', () => {
  const chromium = useChromium();

  it('loads the demo model and streams both captions, outliers and attention frames, matching Node', async () => {
    const page = await chromium.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    // The model's own input size, so neither side resizes: the browser resizes with a canvas and Node with
    // sharp, which interpolate differently and would give the two backends different pixels.
    const params = runParams({ maxNewTokens: 10, image: testImage(32, 32) });
    const result = await runInWorker(page, productionWorkerUrl(), { modelId: DEMO, dtype: 'fp32' }, params);

    expect(result.backend).toBe('webgpu');
    expect(result.loadedFiles).toEqual(expect.arrayContaining(['config.json', 'onnx/decoder_model_merged.onnx']));
    const wasm = await expectSameAsNode(result, { modelId: DEMO, dtype: 'fp32' }, params);
    // The step inspector's numbers agree too: same candidates, logits within WebGPU's float tolerance.
    const firstStep = (run: WorkerEvent[]) => run.find((e) => e.type === 'run/step' && e.step === 0);
    const [gpuStep, cpuStep] = [firstStep(result.events), firstStep(wasm)];
    if (gpuStep?.type !== 'run/step' || cpuStep?.type !== 'run/step') throw new Error('no step diagnostics');
    expect(gpuStep.combined.map((c) => c.tokenId)).toEqual(cpuStep.combined.map((c) => c.tokenId));
    gpuStep.full.forEach((candidate, i) =>
      expect(Math.abs(candidate.score - cpuStep.full[i].score)).toBeLessThan(2e-3),
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
