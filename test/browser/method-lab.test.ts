// The method lab in the production worker in Chromium (WebGPU): the baseline, DAMRO, VCD (a second, noised vision
// pass in the worker) and AvisC (blind tokens from the decoder tap) stream their captions in one run, as the same
// run does on ORT's wasm backend in Node, each method's hallucination-evidence measures with it.
import { describe, expect, inject, it } from 'vitest';
import { METHODS } from '../../src/core/methods/registry';
import type { WorkerEvent } from '../../src/protocol/messages';
import { runParams, testImage } from '../support/tiny-llava';
import { collectErrors, useChromium } from './chromium';
import { expectSameAsNode, productionWorkerUrl, runInWorker } from './worker-run';

const DEMO = 'synthetic-llava-tiny';

const methodTokens = (events: WorkerEvent[], method: string) =>
  events.flatMap((e) => (e.type === 'run/method-token' && e.method === method ? [e.tokenId] : []));

const evidenceOf = (events: WorkerEvent[], method: string) =>
  events.flatMap((e) => (e.type === 'run/method-evidence' && e.method === method ? [e] : []));

describe('the method lab in the inference worker (Chromium, WebGPU)', () => {
  const chromium = useChromium();

  it('streams the baseline, DAMRO, VCD and AvisC captions in one run, matching Node', async () => {
    const page = await chromium.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    const params = runParams({
      maxNewTokens: 8,
      image: testImage(32, 32),
      methods: [
        { method: 'vcd', params: { ...METHODS.vcd.defaults } },
        { method: 'avisc', params: { ...METHODS.avisc.defaults } },
      ],
    });
    const result = await runInWorker(page, productionWorkerUrl(), { modelId: DEMO, dtype: 'fp32' }, params);
    expect(result.backend).toBe('webgpu');
    const node = await expectSameAsNode(result, { modelId: DEMO, dtype: 'fp32' }, params);
    for (const method of ['vcd', 'avisc']) {
      expect(methodTokens(result.events, method).length, method).toBeGreaterThan(0);
      expect(result.events.filter((e) => e.type === 'run/method-done' && e.method === method)).toHaveLength(1);
      expect(methodTokens(result.events, method), method).toEqual(methodTokens(node, method));
      // Each method token's evidence measures cross the worker boundary and match Node's (top-k overlap is left
      // out: a near tie between two image tokens may rank differently on the GPU).
      const [gpu, cpu] = [evidenceOf(result.events, method), evidenceOf(node, method)];
      expect(gpu.map((e) => e.step)).toEqual(methodTokens(result.events, method).map((_, step) => step));
      expect(gpu).toHaveLength(cpu.length);
      gpu.forEach((e, i) => {
        for (const name of ['share', 'entropy'] as const)
          e.measures[name].forEach((v, layer) =>
            expect(Math.abs(v - cpu[i].measures[name][layer]), `${method} ${name} ${i} ${layer}`).toBeLessThan(1e-3),
          );
      });
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
