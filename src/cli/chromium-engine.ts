// The production inference worker (dist/) in headless Chromium on WebGPU, driven over its protocol from a
// page served like `npm start` serves it: the same code a person's browser runs, without a person.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { LensError } from '../protocol/errors';
import type { ClsScorer, Dtype, EvalImageParams, EvalImageResult, ModelInfo, Response } from '../protocol/messages';
import { REPO_ROOT } from './data';
import type { HostedEngine } from './node-engine';
import { serveFolder } from './serve-folder';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// WebGPU in headless Chromium; without a GPU it runs on SwiftShader.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--no-first-run',
];

// Runs in the page: one worker, requests correlated by id; images arrive base64-encoded. Replies come back whole
// ({ ok, result } or { ok, error }), so the error's code survives the trip to Node.
const PAGE_SETUP = `(() => {
  const worker = new Worker(WORKER_URL, { type: 'module' });
  const replies = new Map();
  let id = 0;
  worker.addEventListener('message', ({ data }) => {
    if (data.kind !== 'response') return;
    const reply = replies.get(data.response.id);
    replies.delete(data.response.id);
    reply?.(data.response);
  });
  window.lensCall = (method, params) => new Promise((resolve) => {
    const requestId = ++id;
    replies.set(requestId, resolve);
    if (params.image && params.image.base64 !== undefined) {
      const raw = atob(params.image.base64);
      const bytes = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
      params = { ...params, image: { kind: 'encoded', mime: params.image.mime, bytes: bytes.buffer } };
    }
    worker.postMessage({ id: requestId, method, params });
  });
})()`;

function workerFile(): string {
  const assets = join(REPO_ROOT, 'dist', 'assets');
  const file = existsSync(assets)
    ? readdirSync(assets).find((name) => /^inference\.worker-.*\.js$/.test(name))
    : undefined;
  if (!file)
    throw new LensError(
      'bad-request',
      'dist/ has no inference worker; run `npm run build` before using --backend chromium.',
    );
  return `assets/${file}`;
}

export async function chromiumEvalEngine(modelId: string, dtype: Dtype, clsScorer?: ClsScorer): Promise<HostedEngine> {
  const worker = workerFile();
  if (!existsSync(CHROMIUM_PATH))
    throw new LensError(
      'bad-request',
      `No Chromium at ${CHROMIUM_PATH}; install chromium or set CHROMIUM_PATH, or use --backend node.`,
    );
  const server = await preview({
    root: REPO_ROOT,
    preview: { port: 0, host: '127.0.0.1', strictPort: false, open: false },
    logLevel: 'warn',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new LensError('internal', 'vite preview did not report a URL.');
  // A model folder on disk is served on its own port and loaded by URL, as a self-hosted copy would be.
  const folder = existsSync(join(resolve(modelId), 'config.json')) ? await serveFolder(resolve(modelId)) : undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const close = async () => {
    await browser.close();
    await server.close();
    await folder?.close();
  };
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.evaluate(PAGE_SETUP.replace('WORKER_URL', JSON.stringify(worker)));
    const call = async <T>(method: string, params: unknown): Promise<T> => {
      let reply: Response;
      try {
        reply = (await page.evaluate(
          ([m, p]) => (window as unknown as { lensCall: (m: string, p: unknown) => Promise<unknown> }).lensCall(m, p),
          [method, params] as const,
        )) as Response;
      } catch (error) {
        throw new LensError(
          'internal',
          `Headless Chromium failed during ${method} (${error instanceof Error ? error.message : String(error)}). Run the command again; if it fails the same way, use --backend node.`,
        );
      }
      if (!reply.ok) throw LensError.fromWire(reply.error);
      return reply.result as T;
    };
    await call('engine/hello', { protocolVersion: 1 });
    const info = await call<ModelInfo>('model/load', { modelId: folder?.url ?? modelId, dtype, clsScorer });
    return {
      info,
      close,
      engine: {
        answerImage(params: EvalImageParams) {
          if (params.image.kind !== 'encoded')
            throw new LensError('internal', 'The Chromium backend sends encoded images only.');
          const image = { base64: Buffer.from(params.image.bytes).toString('base64'), mime: params.image.mime };
          return call<EvalImageResult>('eval/image', { ...params, image });
        },
        cancel: (jobId) => call('eval/cancel', { jobId }),
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
