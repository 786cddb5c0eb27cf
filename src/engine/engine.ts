import { LensError, toWireError } from '../protocol/errors';
import { PROTOCOL_VERSION, type Method, type Params, type Result, type RunParams } from '../protocol/messages';
import { answerImage, validateEvalImage } from './eval/answer-image';
import { createDetectService, type DetectorLoader } from './detect/detect';
import type { EncodedImage, LoadedModel, ModelLoader } from './model';
import { AttentionStore } from './run/attention-store';
import { imageKey } from './run/image-key';
import { OrtLane, type JobKind, type LaneJob } from './run/ort-lane';
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

function validateRun(params: RunParams): void {
  const problems: string[] = [];
  if (!params.prompt.trim()) problems.push('the prompt is empty');
  if (params.captions.length === 0) problems.push('no caption was asked for (baseline, DAMRO or both)');
  if (!(params.damro.alpha >= 0 && Number.isFinite(params.damro.alpha)))
    problems.push(`α must be ≥ 0 (got ${params.damro.alpha})`);
  if (!(params.damro.beta >= 0 && params.damro.beta <= 1))
    problems.push(`β must be in [0, 1] (got ${params.damro.beta})`);
  if (!Number.isInteger(params.damro.k)) problems.push(`k must be a whole number (got ${params.damro.k})`);
  if (!(Number.isInteger(params.maxNewTokens) && params.maxNewTokens >= 1 && params.maxNewTokens <= 1024))
    problems.push(`max new tokens must be 1–1024 (got ${params.maxNewTokens})`);
  if (problems.length) throw new LensError('bad-request', `Cannot start the run: ${problems.join('; ')}.`);
}

export function createEngine(deps: EngineDeps): EngineApi {
  const { emit } = deps;
  const detector = createDetectService(deps.loadDetector);
  const attention = new AttentionStore(deps.attentionBudgetBytes ?? 64 * 1024 * 1024);
  const encodedImages = new Map<string, Promise<EncodedImage>>();
  const lane = new OrtLane();
  let model: LoadedModel | undefined;
  let nextRunId = 1;

  const requireModel = (): LoadedModel => {
    if (!model) throw new LensError('no-model', 'No model is loaded yet. Choose a model and load it first.');
    return model;
  };

  const isCaptioning = (job: LaneJob<unknown>): boolean => job.kind === 'run' || job.kind === 'eval';
  const isJob =
    (kind: JobKind, tag: number) =>
    (job: LaneJob<unknown>): boolean =>
      job.kind === kind && job.tag === tag;

  async function cancelJob(kind: JobKind, tag: number): Promise<{ cancelled: boolean }> {
    if (!lane.has(isJob(kind, tag))) return { cancelled: false };
    await lane.cancel(isJob(kind, tag));
    return { cancelled: true };
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
        throw new LensError(
          'bad-request',
          `The page speaks protocol ${protocolVersion} but the worker speaks ${PROTOCOL_VERSION}: the page and its worker come from different builds. Reload the page.`,
        );
      }
      return { protocolVersion: PROTOCOL_VERSION, capabilities: await probeCapabilities(deps.env) };
    },

    async 'model/load'({ modelId, dtype, noClsScorer, clsScorer, folder }) {
      void lane.cancel(isCaptioning);
      // The loaded model stays until the new one has loaded: a failed load leaves the page a working model.
      return lane.enqueue('load', async () => {
        const next = await deps.loadModel(modelId, dtype, (progress) => emit({ type: 'load/progress', ...progress }), {
          noClsScorer,
          clsScorer,
          folder,
        });
        const previous = model;
        model = next;
        encodedImages.clear();
        await previous?.dispose();
        return next.info;
      }).result;
    },

    async 'run/start'(params) {
      validateRun(params);
      requireModel();
      const runId = nextRunId++;
      void lane.cancel(isCaptioning);
      const job = lane.enqueue(
        'run',
        (signal) => {
          attention.keepOnly(runId);
          const loaded = requireModel();
          return executeRun({
            runId,
            model: loaded,
            params,
            signal,
            emit,
            attention,
            encode: encodeOnce(loaded, params.image),
          });
        },
        runId,
      );
      job.result.catch((error: unknown) =>
        emit({ type: 'run/error', runId, error: toWireError(explainOrtError(error, 'captioning')) }),
      );
      return { runId };
    },

    'run/cancel': ({ runId }) => cancelJob('run', runId),

    async 'eval/image'(params) {
      validateEvalImage(params);
      requireModel();
      void lane.cancel(isCaptioning);
      const job = lane.enqueue(
        'eval',
        (signal) => {
          const loaded = requireModel();
          return answerImage({ model: loaded, params, signal, encode: encodeOnce(loaded, params.image), emit });
        },
        params.jobId,
      );
      return job.result.catch((error: unknown) => {
        throw explainOrtError(error, 'answering benchmark questions');
      });
    },

    'eval/cancel': ({ jobId }) => cancelJob('eval', jobId),

    async 'detect/run'(params) {
      // Only the newest image's detection matters to the page; older ones still waiting are dropped.
      void lane.cancel((job) => job.kind === 'detect');
      return lane.enqueue('detect', (signal) => {
        if (signal.aborted)
          throw new LensError('cancelled', 'This detection was replaced by a newer one before it started.');
        return detector.detect(params);
      }).result;
    },

    async 'attn/detail'({ runId, caption, step }) {
      const { decoder } = requireModel().info;
      const frame = attention.get(runId, caption, step);
      if (!frame)
        throw new LensError(
          'unknown-run',
          `The attention of token ${step} of the ${caption} caption (run ${runId}) is no longer kept; re-run to see it.`,
        );
      const stacked = decoder.layers * decoder.heads;
      const prompt = attention.prompt(runId);
      return {
        dims: [decoder.layers, decoder.heads, frame.image.length / stacked],
        data: frame.image.slice(),
        ...(frame.text &&
          prompt && {
            text: {
              dims: [decoder.layers, decoder.heads, frame.text.length / stacked],
              data: frame.text.slice(),
              prompt: prompt.tokens,
              imageAt: prompt.imageAt,
            },
          }),
      };
    },
  };
}
