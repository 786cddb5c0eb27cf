// The production inference worker (dist/assets/inference.worker-*.js) driven over its typed protocol in
// Chromium on WebGPU, with the embedded demo model the site serves; its captions are compared with the same
// engine on ORT's wasm backend in Node.
import { readdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunParams, WorkerEvent } from '../../src/protocol/messages';
import { nodeEngine, runParams, runToEnd, testImage, tokensOf } from '../support/tiny-llava';
import { collectErrors, launchChromium } from './chromium';

const root = new URL('../../', import.meta.url).pathname;
const DEMO = 'synthetic-llava-tiny';

interface BrowserRun {
  backend: string;
  loadedFiles: string[];
  events: WorkerEvent[];
}

describe('inference worker in Chromium (WebGPU)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads the demo model and streams both captions, outliers and attention frames, matching Node', async () => {
    const worker = readdirSync(`${root}dist/assets`).find((name) => /^inference\.worker-.*\.js$/.test(name));
    expect(worker, 'the build has an inference worker').toBeDefined();
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    // The model's own input size, so neither side resizes: the browser resizes with a canvas and Node with
    // sharp, which interpolate differently and would give the two backends different pixels.
    const params = runParams({ maxNewTokens: 10, image: testImage(32, 32) });
    const { image, ...rest } = params;
    if (image.kind !== 'rgba') throw new Error('unreachable');

    const result = await page.evaluate(
      async ({ workerUrl, modelId, rgba, run }) => {
        const w = new Worker(workerUrl, { type: 'module' });
        const events: unknown[] = [];
        const replies = new Map<number, (value: { ok: boolean; result?: unknown; error?: { message: string } }) => void>();
        w.addEventListener('message', ({ data }) => {
          if (data.kind === 'event') events.push(data.event);
          else replies.get(data.response.id)?.(data.response);
        });
        let id = 0;
        const call = (method: string, params: unknown) =>
          new Promise<unknown>((resolve, reject) => {
            const requestId = ++id;
            replies.set(requestId, (response) => (response.ok ? resolve(response.result) : reject(new Error(response.error?.message))));
            w.postMessage({ id: requestId, method, params });
          });
        const hello = (await call('engine/hello', { protocolVersion: 1 })) as { capabilities: { backend: string } };
        await call('model/load', { modelId, dtype: 'fp32' });
        const data = new Uint8ClampedArray(rgba.data);
        const { runId } = (await call('run/start', { ...run, image: { kind: 'rgba', width: rgba.width, height: rgba.height, data } })) as { runId: number };
        const deadline = Date.now() + 120_000;
        while (!events.some((e) => (e as { type: string; runId?: number }).runId === runId && ['run/finished', 'run/error'].includes((e as { type: string }).type))) {
          if (Date.now() > deadline) throw new Error('the run did not finish in 120 s');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        w.terminate();
        return {
          backend: hello.capabilities.backend,
          loadedFiles: events.filter((e) => (e as { type: string }).type === 'load/progress').map((e) => (e as { file: string }).file),
          events: events.filter((e) => (e as { type: string }).type !== 'load/progress') as WorkerEvent[],
        } satisfies BrowserRun;
      },
      { workerUrl: `assets/${worker}`, modelId: DEMO, rgba: { width: image.width, height: image.height, data: Array.from(image.data) }, run: rest as Omit<RunParams, 'image'> },
    );

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
