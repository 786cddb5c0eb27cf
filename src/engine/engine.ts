import { LensError, toWireError } from '../protocol/errors';
import { validateEvalImageParams, validateRunParams } from '../core/decoding/requests';
import { PROTOCOL_VERSION, type ImageInput, type Method, type Params, type Result } from '../protocol/messages';
import { answerImage } from './eval/answer-image';
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

  function encodeOnce(loaded: LoadedModel, image: ImageInput): () => Promise<EncodedImage> {
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

  /**
   * Queues a run or a benchmark call on the ORT lane in place of any other captioning work, and hands it the model
   * loaded by the time it starts, with that model's cached vision pass for the image.
   */
  function startCaptioning<T>(
    kind: 'run' | 'eval',
    tag: number,
    image: ImageInput,
    work: (loaded: LoadedModel, encode: () => Promise<EncodedImage>, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    void lane.cancel(isCaptioning);
    return lane.enqueue(
      kind,
      (signal) => {
        const loaded = requireModel();
        return work(loaded, encodeOnce(loaded, image), signal);
      },
      tag,
    ).result;
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
      validateRunParams(params);
      requireModel();
      const runId = nextRunId++;
      const result = startCaptioning('run', runId, params.image, (loaded, encode, signal) => {
        attention.keepOnly(runId);
        return executeRun({ runId, model: loaded, params, signal, emit, attention, encode });
      });
      result.catch((error: unknown) =>
        emit({ type: 'run/error', runId, error: toWireError(explainOrtError(error, 'captioning')) }),
      );
      return { runId };
    },

    'run/cancel': ({ runId }) => cancelJob('run', runId),

    async 'eval/image'(params) {
      validateEvalImageParams(params);
      requireModel();
      const result = startCaptioning('eval', params.jobId, params.image, (loaded, encode, signal) =>
        answerImage({ model: loaded, params, signal, encode, emit }),
      );
      return result.catch((error: unknown) => {
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
