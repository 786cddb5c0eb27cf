// The main thread's side of the engine: starts the worker, routes its events into store actions, and offers
// the commands the UI issues (load a model, open an image, run, fetch attention detail).
import { LensError, type WireError } from '../protocol/errors';
import { PROTOCOL_VERSION, type RunParams, type WorkerEvent } from '../protocol/messages';
import { engineFailed, engineReady } from '../state/actions';
import { attentionSelection } from '../state/derive';
import { loadProgressReceived, modelFailed, modelLoadStarted, modelLoaded } from '../state/model-actions';
import { attentionReceived, captionDone, detailFailed, detailReceived, outliersReceived, runFailed, runFinished, runStarted, runStarting, stepReceived, tokenReceived } from '../state/run-actions';
import { store, tokenKey, type RunRecipe, type TokenRef } from '../state/store';
import { imageChosen, imageFailed } from '../state/view-actions';
import { detectionDone, detectionFailed, detectionStarted } from '../state/label-actions';
import { DETECTION_FLOOR } from '../state/labels-derive';
import { connectEngine, type EngineClient, type WorkerPort } from './engine-client';

const ROUTES: { [T in WorkerEvent['type']]: (event: Extract<WorkerEvent, { type: T }>) => void } = {
  'load/progress': loadProgressReceived,
  'run/outliers': outliersReceived,
  'run/token': tokenReceived,
  'run/attention': attentionReceived,
  'run/step': stepReceived,
  'run/done': captionDone,
  'run/finished': runFinished,
  'run/error': (event) => runFailed(event.runId, event.error),
};

export function routeEvent(event: WorkerEvent): void {
  (ROUTES[event.type] as (e: WorkerEvent) => void)(event);
}

const asWire = (error: unknown): WireError =>
  error instanceof LensError ? error.toWire() : { code: 'internal', message: error instanceof Error ? error.message : String(error) };

/** How the page learns an image's size and gets a URL to draw it; injected so tests run without decoding. */
export interface ImageReader {
  measure(file: Blob): Promise<{ width: number; height: number }>;
  objectUrl(file: Blob): string;
}

export const browserImageReader: ImageReader = {
  async measure(file) {
    try {
      const bitmap = await createImageBitmap(file);
      const size = { width: bitmap.width, height: bitmap.height };
      bitmap.close();
      return size;
    } catch {
      throw new LensError('bad-image', `The browser could not decode "${(file as File).name ?? 'this file'}" (${file.type || 'unknown type'}). Drop a PNG, JPEG, WebP or GIF image.`);
    }
  },
  objectUrl: (file) => URL.createObjectURL(file),
};

export interface LensController {
  /** Loads the model the settings name; a loaded model with an image starts a run at once. */
  loadModel(): Promise<void>;
  /** `objects`: what is known to be in the picture (a sample photo's list), its ground truth from the start. */
  openImage(file: Blob, name: string, objects?: readonly string[]): Promise<void>;
  run(): Promise<void>;
  cancel(): Promise<void>;
  /** Fetches a token's full [layers, heads, imageTokens] attention once, for other layer/head choices. */
  ensureDetail(ref: TokenRef): Promise<void>;
  /** Runs the chosen detector on the image once (ground truth when neither COCO nor the person's list knows it). */
  detect(): Promise<void>;
}

export function createLensController(client: EngineClient, images: ImageReader): LensController {
  client.onEvent(routeEvent);
  const inFlightDetails = new Set<string>();

  const controller: LensController = {
    async loadModel() {
      const { modelId, dtype, noClsScorer } = store.getState().settings;
      modelLoadStarted(modelId, dtype);
      try {
        modelLoaded(await client.call('model/load', { modelId, dtype, noClsScorer }));
      } catch (error) {
        modelFailed(asWire(error));
        return;
      }
      if (store.getState().image) await controller.run();
    },

    async openImage(file, name, objects) {
      try {
        const [size, bytes] = await Promise.all([images.measure(file), file.arrayBuffer()]);
        imageChosen({ name, mime: file.type, bytes, url: images.objectUrl(file), ...size, ...(objects && { objects }) });
      } catch (error) {
        imageFailed(asWire(error));
        return;
      }
      if (store.getState().model.phase === 'ready') await controller.run();
    },

    async run() {
      const { settings, image, model } = store.getState();
      if (!image || model.phase !== 'ready' || !model.info) return;
      const recipe: RunRecipe = {
        modelId: model.info.id,
        alpha: settings.alpha,
        beta: settings.beta,
        k: settings.k,
        mode: settings.mode,
        seed: settings.seed,
        maxNewTokens: settings.maxNewTokens,
        prompt: settings.prompt,
        attention: attentionSelection(settings, model.info),
      };
      const bytes = image.bytes.slice(0);
      const params: RunParams = {
        image: { kind: 'encoded', bytes, mime: image.mime },
        prompt: recipe.prompt,
        captions: ['baseline', 'damro'],
        damro: { alpha: recipe.alpha, beta: recipe.beta, k: recipe.k },
        decoding: recipe.mode === 'greedy' ? { mode: 'greedy' } : { mode: 'sample', seed: recipe.seed, temperature: 1, topP: 1 },
        maxNewTokens: recipe.maxNewTokens,
        attention: recipe.attention,
      };
      runStarting(recipe);
      try {
        const { runId } = await client.call('run/start', params, [bytes]);
        runStarted(runId);
      } catch (error) {
        runFailed(undefined, asWire(error));
      }
    },

    async cancel() {
      const { runId, phase } = store.getState().run;
      if (runId !== undefined && phase === 'running') await client.call('run/cancel', { runId });
    },

    async detect() {
      const { image, labels } = store.getState();
      if (!image) return;
      const { detectorId } = labels;
      detectionStarted(image.url, detectorId);
      const bytes = image.bytes.slice(0);
      try {
        const result = await client.call('detect/run', { image: { kind: 'encoded', bytes, mime: image.mime }, modelId: detectorId, threshold: DETECTION_FLOOR }, [bytes]);
        detectionDone(image.url, result);
      } catch (error) {
        detectionFailed(image.url, detectorId, asWire(error));
      }
    },

    async ensureDetail(ref) {
      const { run, attention } = store.getState();
      const key = tokenKey(ref);
      if (run.runId === undefined || attention.details[key] || inFlightDetails.has(key)) return;
      const runId = run.runId;
      inFlightDetails.add(key);
      try {
        const { dims, data } = await client.call('attn/detail', { runId, caption: ref.caption, step: ref.step });
        detailReceived(runId, ref, { data, layers: dims[0], heads: dims[1], imageTokens: dims[2] });
      } catch (error) {
        detailFailed(runId, ref, asWire(error).message);
      } finally {
        inFlightDetails.delete(key);
      }
    },
  };
  return controller;
}

async function handshake(client: EngineClient): Promise<void> {
  try {
    const { capabilities } = await client.call('engine/hello', { protocolVersion: PROTOCOL_VERSION });
    engineReady(capabilities);
  } catch (error) {
    engineFailed(error instanceof Error ? error.message : String(error));
  }
}

/** Starts the inference worker; the handshake result reaches the store when it arrives. */
/** The worker, its client (the benchmark panel shares it) and the visualiser's controller. */
export function startEngine(): { lens: LensController; client: EngineClient } {
  const worker = new Worker(new URL('../../workers/inference.worker.ts', import.meta.url), { type: 'module', name: 'inference' });
  const client = connectEngine(worker as WorkerPort);
  const lens = createLensController(client, browserImageReader);
  void handshake(client);
  return { lens, client };
}
