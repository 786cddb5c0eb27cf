// Drives the production inference worker from a page over its protocol: hello, load, one run to its end.
import { readdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { nodeEngine, runToEnd, tokensOf } from '../support/tiny-llava';
import type { Dtype, ModelInfo, NoClsScorer, RunParams, WorkerEvent } from '../../src/protocol/messages';

export interface WorkerRun {
  backend: string;
  shaderF16: boolean;
  info: ModelInfo;
  loadedFiles: string[];
  events: WorkerEvent[];
}

/** The built worker's path relative to the site (its file name carries a content hash). */
export function productionWorkerUrl(): string {
  const assets = new URL('../../dist/assets/', import.meta.url).pathname;
  const worker = readdirSync(assets).find((name) => /^inference\.worker-.*\.js$/.test(name));
  if (!worker)
    throw new Error('dist/assets has no inference worker: run `npm run build` first (`npm run test:e2e` does).');
  return `assets/${worker}`;
}

export async function runInWorker(
  page: Page,
  workerUrl: string,
  load: { modelId: string; dtype: Dtype; noClsScorer?: NoClsScorer },
  params: RunParams,
): Promise<WorkerRun> {
  const { image, ...rest } = params;
  if (image.kind !== 'rgba') throw new Error('runInWorker sends RGBA images');
  return page.evaluate(
    async ({ url, loadParams, rgba, run }) => {
      const w = new Worker(url, { type: 'module' });
      const events: unknown[] = [];
      const replies = new Map<
        number,
        (value: { ok: boolean; result?: unknown; error?: { message: string } }) => void
      >();
      w.addEventListener('message', ({ data }) => {
        if (data.kind === 'event') events.push(data.event);
        else replies.get(data.response.id)?.(data.response);
      });
      let id = 0;
      const call = (method: string, callParams: unknown) =>
        new Promise<unknown>((resolve, reject) => {
          const requestId = ++id;
          replies.set(requestId, (response) =>
            response.ok ? resolve(response.result) : reject(new Error(response.error?.message)),
          );
          w.postMessage({ id: requestId, method, params: callParams });
        });
      const hello = (await call('engine/hello', { protocolVersion: 1 })) as {
        capabilities: { backend: string; adapter?: { shaderF16: boolean } };
      };
      const info = (await call('model/load', loadParams)) as ModelInfo;
      const data = new Uint8ClampedArray(rgba.data);
      const { runId } = (await call('run/start', {
        ...run,
        image: { kind: 'rgba', width: rgba.width, height: rgba.height, data },
      })) as { runId: number };
      const deadline = Date.now() + 120_000;
      while (
        !events.some(
          (e) =>
            (e as { runId?: number }).runId === runId &&
            ['run/finished', 'run/error'].includes((e as { type: string }).type),
        )
      ) {
        if (Date.now() > deadline) throw new Error('the run did not finish in 120 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      w.terminate();
      return {
        backend: hello.capabilities.backend,
        shaderF16: hello.capabilities.adapter?.shaderF16 ?? false,
        info,
        loadedFiles: events
          .filter((e) => (e as { type: string }).type === 'load/progress')
          .map((e) => (e as { file: string }).file),
        events: events.filter((e) => (e as { type: string }).type !== 'load/progress') as WorkerEvent[],
      };
    },
    {
      url: workerUrl,
      loadParams: load,
      rgba: { width: image.width, height: image.height, data: Array.from(image.data) },
      run: rest as Omit<RunParams, 'image'>,
    },
  );
}

/**
 * The checks every worker run shares: no error, one outliers event, an attention frame per token, and the same
 * result as the engine on ORT's wasm backend in Node — outliers, scores and frames within float tolerance (WebGPU
 * computes in a different order), tokens identical. Returns the Node run for further checks.
 */
export async function expectSameAsNode(
  result: WorkerRun,
  load: { modelId: string; dtype: Dtype },
  params: RunParams,
): Promise<WorkerEvent[]> {
  const failure = result.events.find((e) => e.type === 'run/error');
  expect(failure, failure?.type === 'run/error' ? failure.error.message : '').toBeUndefined();
  const outliersOf = (run: WorkerEvent[]) =>
    run.filter((e): e is Extract<WorkerEvent, { type: 'run/outliers' }> => e.type === 'run/outliers');
  const framesOf = (run: WorkerEvent[]) =>
    run.filter((e): e is Extract<WorkerEvent, { type: 'run/attention' }> => e.type === 'run/attention');
  expect(outliersOf(result.events)).toHaveLength(1);
  expect(framesOf(result.events)).toHaveLength(result.events.filter((e) => e.type === 'run/token').length);

  const { engine, events } = nodeEngine(new URL(`../../public/models/${load.modelId}`, import.meta.url).pathname);
  await engine['model/load'](load);
  const node = await runToEnd(engine, events, params);
  const [gpu, cpu] = [outliersOf(result.events)[0]!, outliersOf(node)[0]!];
  expect(Array.from(gpu.indices)).toEqual(Array.from(cpu.indices));
  gpu.scores.forEach((score, i) => expect(Math.abs(score - cpu.scores[i]!)).toBeLessThan(1e-4));
  // Token norms cross the worker boundary with the scores (the evidence view's score–norm correlation).
  expect(gpu.norms).toHaveLength(gpu.scores.length);
  gpu.norms!.forEach((norm, i) =>
    expect(Math.abs(norm - cpu.norms![i]!)).toBeLessThan(1e-3 * Math.max(1, cpu.norms![i]!)),
  );
  const [gpuFrames, cpuFrames] = [framesOf(result.events), framesOf(node)];
  expect(gpuFrames.length).toBe(cpuFrames.length);
  gpuFrames.forEach((frame, i) =>
    frame.values.forEach((v, j) => expect(Math.abs(v - cpuFrames[i]!.values[j]!)).toBeLessThan(1e-3)),
  );
  for (const caption of ['baseline', 'damro'] as const) {
    expect(tokensOf(result.events, caption).length).toBeGreaterThan(0);
    expect(tokensOf(result.events, caption), `${caption}: ${result.backend} in Chromium vs wasm in Node`).toEqual(
      tokensOf(node, caption),
    );
  }
  return node;
}
