import { LensError, toWireError } from '../protocol/errors';
import { PROTOCOL_VERSION, type Method, type Params, type Result, type RunParams } from '../protocol/messages';
import { answerImage, validateEvalImage } from './eval/answer-image';
import { createDetectService, type DetectorLoader } from './detect/detect';
import type { EncodedImage, LoadedModel, ModelLoader } from './model';
import { AttentionStore } from './run/attention-store';
import { imageKey } from './run/image-key';
import { executeRun, type Emit } from './run/run';
import { probeCapabilities, type Environment } from './runtime/capabilities';
import { explainOrtError } from './runtime/ort-errors';

/** What the engine answers, method by method; the worker server and in-process callers use the same object. */
export type EngineApi = { [M in Method]: (params: Params<M>) => Promise<Result<M>> };

export interface EngineDeps {
  readonly env: Environment;
  readonly loadModel: ModelLoader;
  readonly emit: Emit;
  /** Bytes of per-token attention detail kept for `attn/detail`. */
  readonly attentionBudgetBytes?: number;
  /** Loads COCO detectors for 'detect/run'; without it that method says no detector is built in. */
  readonly loadDetector?: DetectorLoader;
}

interface ActiveRun {
  readonly runId: number;
  readonly controller: AbortController;
  readonly done: Promise<void>;
  /** Set when the work is a benchmark call rather than an interactive run. */
  readonly evalJobId?: number;
}

function validateRun(params: RunParams): void {
  const problems: string[] = [];
  if (!params.prompt.trim()) problems.push('the prompt is empty');
  if (params.captions.length === 0) problems.push('no caption was asked for (baseline, DAMRO or both)');
  if (!(params.damro.alpha >= 0 && Number.isFinite(params.damro.alpha))) problems.push(`α must be ≥ 0 (got ${params.damro.alpha})`);
  if (!(params.damro.beta > 0 && params.damro.beta <= 1)) problems.push(`β must be in (0, 1] (got ${params.damro.beta})`);
  if (!Number.isInteger(params.damro.k)) problems.push(`k must be a whole number (got ${params.damro.k})`);
  if (!(Number.isInteger(params.maxNewTokens) && params.maxNewTokens >= 1 && params.maxNewTokens <= 1024)) problems.push(`max new tokens must be 1–1024 (got ${params.maxNewTokens})`);
  if (problems.length) throw new LensError('bad-request', `Cannot start the run: ${problems.join('; ')}.`);
}

export function createEngine(deps: EngineDeps): EngineApi {
  const { emit } = deps;
  const detector = createDetectService(deps.loadDetector);
  const attention = new AttentionStore(deps.attentionBudgetBytes ?? 64 * 1024 * 1024);
  const encodedImages = new Map<string, Promise<EncodedImage>>();
  let model: LoadedModel | undefined;
  let active: ActiveRun | undefined;
  let nextRunId = 1;

  const requireModel = (): LoadedModel => {
    if (!model) throw new LensError('no-model', 'No model is loaded yet. Choose a model and load it first.');
    return model;
  };

  async function stopActive(): Promise<void> {
    if (!active) return;
    active.controller.abort();
    await active.done;
  }

  function encodeOnce(loaded: LoadedModel, image: RunParams['image']): () => Promise<EncodedImage> {
    const key = imageKey(image);
    return () => {
      let pending = encodedImages.get(key);
      if (!pending) {
        // One image is kept: the usual loop is re-running one picture with new settings.
        encodedImages.clear();
        pending = loaded.encodeImage(image);
        pending.catch(() => encodedImages.delete(key));
        encodedImages.set(key, pending);
      }
      return pending;
    };
  }

  return {
    async 'engine/hello'({ protocolVersion }) {
      if (protocolVersion !== PROTOCOL_VERSION) {
        throw new LensError('bad-request', `The page speaks protocol ${protocolVersion} but the worker speaks ${PROTOCOL_VERSION}: the page and its worker come from different builds. Reload the page.`);
      }
      return { protocolVersion: PROTOCOL_VERSION, capabilities: await probeCapabilities(deps.env) };
    },

    async 'model/load'({ modelId, dtype, noClsScorer, clsScorer, folder }) {
      await stopActive();
      await detector.idle();
      const previous = model;
      model = undefined;
      encodedImages.clear();
      await previous?.dispose();
      model = await deps.loadModel(modelId, dtype, (progress) => emit({ type: 'load/progress', ...progress }), { noClsScorer, clsScorer, folder });
      return model.info;
    },

    async 'run/start'(params) {
      validateRun(params);
      const loaded = requireModel();
      await stopActive();
      await detector.idle();
      const runId = nextRunId++;
      attention.keepOnly(runId);
      const controller = new AbortController();
      const done = executeRun({ runId, model: loaded, params, signal: controller.signal, emit, attention, encode: encodeOnce(loaded, params.image) })
        .catch((error: unknown) => emit({ type: 'run/error', runId, error: toWireError(explainOrtError(error, 'captioning')) }))
        .finally(() => {
          if (active?.runId === runId) active = undefined;
        });
      active = { runId, controller, done };
      return { runId };
    },

    async 'run/cancel'({ runId }) {
      if (active?.runId !== runId) return { cancelled: false };
      await stopActive();
      return { cancelled: true };
    },

    async 'eval/image'(params) {
      validateEvalImage(params);
      const loaded = requireModel();
      await stopActive();
      await detector.idle();
      const runId = nextRunId++;
      const controller = new AbortController();
      const work = answerImage({ model: loaded, params, signal: controller.signal, encode: encodeOnce(loaded, params.image) }).catch((error: unknown) => {
        throw explainOrtError(error, 'answering benchmark questions');
      });
      const done = work.then(
        () => undefined,
        () => undefined,
      ).finally(() => {
        if (active?.runId === runId) active = undefined;
      });
      active = { runId, controller, done, evalJobId: params.jobId };
      return work;
    },

    async 'eval/cancel'({ jobId }) {
      if (active === undefined || active.evalJobId !== jobId) return { cancelled: false };
      await stopActive();
      return { cancelled: true };
    },

    async 'detect/run'(params) {
      await active?.done;
      return detector.detect(params);
    },

    async 'attn/detail'({ runId, caption, step }) {
      const { decoder } = requireModel().info;
      const frame = attention.get(runId, caption, step);
      if (!frame) throw new LensError('unknown-run', `The attention of token ${step} of the ${caption} caption (run ${runId}) is no longer kept; re-run to see it.`);
      return { dims: [decoder.layers, decoder.heads, frame.length / (decoder.layers * decoder.heads)], data: frame.slice() };
    },
  };
}
