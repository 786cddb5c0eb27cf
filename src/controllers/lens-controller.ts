// The main thread's side of the engine: starts the worker, routes its events into store actions, and offers
// the commands the UI issues (load a model, open an image, run, fetch attention detail).
import { LensError, type WireError } from '../protocol/errors';
import { PROTOCOL_VERSION, type FolderFile, type RunParams, type WorkerEvent } from '../protocol/messages';
import { engineFailed, engineReady, engineSilent, engineStarting } from '../state/actions';
import { attentionSelection, comparedMethods } from '../state/derive';
import { loadProgressReceived, modelFailed, modelLoadStarted, modelLoaded } from '../state/model-actions';
import {
  attentionReceived,
  captionDone,
  detailFailed,
  methodDone,
  methodEvidenceReceived,
  methodStepReceived,
  methodTokenReceived,
  detailReceived,
  outliersReceived,
  runFailed,
  runFinished,
  runStarted,
  runStarting,
  runSuperseded,
  stepReceived,
  tokenReceived,
} from '../state/run-actions';
import { store, tokenKey, type RunRecipe, type TokenRef } from '../state/store';
import { imageChosen, imageFailed } from '../state/view-actions';
import { detectionDone, detectionFailed, detectionStarted } from '../state/label-actions';
import { evalTokenStreamed } from '../state/eval-actions';
import { DETECTION_FLOOR } from '../state/labels-derive';
import { restartableEngine, type EngineClient, type WorkerPort } from '../client/engine-client';

const ROUTES: { [T in WorkerEvent['type']]: (event: Extract<WorkerEvent, { type: T }>) => void } = {
  'engine/alive': () => undefined,
  'load/progress': loadProgressReceived,
  'run/outliers': outliersReceived,
  'run/token': tokenReceived,
  'run/attention': attentionReceived,
  'run/step': stepReceived,
  'run/done': captionDone,
  'run/method-token': methodTokenReceived,
  'run/method-step': methodStepReceived,
  'run/method-evidence': methodEvidenceReceived,
  'run/method-done': methodDone,
  'run/finished': runFinished,
  'run/error': (event) => runFailed(event.runId, event.error),
  'eval/token': evalTokenStreamed,
};

export function routeEvent(event: WorkerEvent): void {
  (ROUTES[event.type] as (e: WorkerEvent) => void)(event);
}

const asWire = (error: unknown): WireError =>
  error instanceof LensError
    ? error.toWire()
    : { code: 'internal', message: error instanceof Error ? error.message : String(error) };

/** How the page learns an image's size and gets a URL to draw it; injected so tests run without decoding. */
export interface ImageReader {
  measure(file: Blob): Promise<{ width: number; height: number }>;
  objectUrl(file: Blob): string;
}

export interface LensController {
  /** Loads the model the settings name; a loaded model with an image starts a run at once. */
  loadModel(): Promise<void>;
  /** Loads a model folder opened from disk (its files by path inside it), in the settings' dtype. */
  loadFolder(name: string, files: readonly FolderFile[]): Promise<void>;
  /** `objects`: what is known to be in the picture (a sample photo's list), its ground truth from the start. */
  openImage(file: Blob, name: string, objects?: readonly string[]): Promise<void>;
  run(): Promise<void>;
  cancel(): Promise<void>;
  /** Fetches a token's full [layers, heads, imageTokens] attention once, for other layer/head choices. */
  ensureDetail(ref: TokenRef): Promise<void>;
  /** Runs the chosen detector on the image once (ground truth when neither COCO nor the person's list knows it). */
  detect(): Promise<void>;
  /** Replaces a worker that stopped answering (offered when the client notices its silence). */
  restartEngine(): Promise<void>;
}

type RestartableClient = EngineClient & { restart(reason: LensError): void };

export function createLensController(
  client: EngineClient & Partial<RestartableClient>,
  images: ImageReader,
): LensController {
  client.onEvent(routeEvent);
  const inFlightDetails = new Set<string>();
  // Counts run requests, so that an answer to one that a newer request replaced is told apart.
  let latestRunRequest = 0;

  async function load(modelId: string, folder?: readonly FolderFile[]): Promise<void> {
    const { dtype, noClsScorer, clsScorer } = store.getState().settings;
    modelLoadStarted(modelId, dtype);
    try {
      modelLoaded(
        await client.call('model/load', { modelId, dtype, noClsScorer, clsScorer, ...(folder && { folder }) }),
      );
    } catch (error) {
      modelFailed(asWire(error));
      return;
    }
    if (store.getState().image) await controller.run();
  }

  const controller: LensController = {
    loadModel: () => load(store.getState().settings.modelId),
    loadFolder: (name, files) => load(name, files),

    async openImage(file, name, objects) {
      try {
        const [size, bytes] = await Promise.all([images.measure(file), file.arrayBuffer()]);
        imageChosen({
          name,
          mime: file.type,
          bytes,
          url: images.objectUrl(file),
          ...size,
          ...(objects && { objects }),
        });
      } catch (error) {
        imageFailed(asWire(error));
        return;
      }
      if (store.getState().model.phase === 'ready') await controller.run();
    },

    async run() {
      const { settings, image, model } = store.getState();
      if (!image || model.phase !== 'ready' || !model.info) return;
      const methods = comparedMethods(settings);
      const recipe: RunRecipe = {
        ...(methods ? { methods } : {}),
        modelId: model.info.id,
        damro: settings.damro,
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
        damro: recipe.damro,
        decoding:
          recipe.mode === 'greedy'
            ? { mode: 'greedy' }
            : { mode: 'sample', seed: recipe.seed, temperature: 1, topP: 1 },
        maxNewTokens: recipe.maxNewTokens,
        attention: recipe.attention,
        ...(methods ? { methods } : {}),
      };
      const request = ++latestRunRequest;
      runStarting(recipe);
      try {
        const { runId } = await client.call('run/start', params, [bytes]);
        if (request === latestRunRequest) runStarted(runId);
        else runSuperseded(runId);
      } catch (error) {
        if (request === latestRunRequest) runFailed(undefined, asWire(error));
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
        const result = await client.call(
          'detect/run',
          { image: { kind: 'encoded', bytes, mime: image.mime }, modelId: detectorId, threshold: DETECTION_FLOOR },
          [bytes],
        );
        detectionDone(image.url, result);
      } catch (error) {
        const wire = asWire(error);
        // Replaced by a newer request before it ran; that request reports for this image.
        if (wire.code !== 'cancelled') detectionFailed(image.url, detectorId, wire);
      }
    },

    async restartEngine() {
      if (client.restart) await restartEngine(client as RestartableClient);
    },

    async ensureDetail(ref) {
      const { run, attention } = store.getState();
      const key = tokenKey(ref);
      if (run.runId === undefined || attention.details[key] || inFlightDetails.has(key)) return;
      const runId = run.runId;
      inFlightDetails.add(key);
      try {
        const { dims, data, text } = await client.call('attn/detail', { runId, caption: ref.caption, step: ref.step });
        detailReceived(runId, ref, { data, layers: dims[0], heads: dims[1], imageTokens: dims[2] }, text);
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

const RESTARTED = new LensError(
  'worker-restarted',
  'The inference worker was restarted because it had stopped answering; this work was lost. Run it again.',
);

/**
 * Replaces a worker that stopped answering: the old one is terminated (its calls and any run fail with a notice
 * that says so), a fresh one starts, and the model that was loaded is loaded again.
 */
async function restartEngine(client: RestartableClient): Promise<void> {
  const { model, run } = store.getState();
  client.restart(RESTARTED);
  if (run.phase === 'running') runFailed(run.runId, RESTARTED.toWire());
  engineStarting();
  await handshake(client);
  const loaded = model.info;
  if (!loaded || store.getState().engine.phase !== 'ready') return;
  modelLoadStarted(loaded.id, loaded.dtype);
  try {
    modelLoaded(
      await client.call('model/load', {
        modelId: loaded.id,
        dtype: loaded.dtype,
        noClsScorer: store.getState().settings.noClsScorer,
      }),
    );
  } catch (error) {
    modelFailed(asWire(error));
  }
}

/** The worker, its client (the benchmark panel shares it) and the visualiser's controller. */
export function startEngine(images: ImageReader): { lens: LensController; client: EngineClient } {
  const client = restartableEngine(
    () =>
      new Worker(new URL('../../workers/inference.worker.ts', import.meta.url), {
        type: 'module',
        name: 'inference',
      }) as WorkerPort,
  );
  client.onSilence(engineSilent);
  const lens = createLensController(client, images);
  void handshake(client);
  return { lens, client };
}
