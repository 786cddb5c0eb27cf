// A scripted engine for UI tests: the real protocol (requests, responses, events, structuredClone with
// transfers as between a page and its worker) over a tiny 4×4-token model whose numbers are easy to check.
import { connectEngine, type EngineClient, type WorkerPort } from '../../src/client/engine-client';
import type { ImageReader } from '../../src/controllers/lens-controller';
import { aggregateAttention } from '../../src/core/attention/aggregate';
import { outlierShare } from '../../src/core/attention/share';
import { selectOutliers } from '../../src/core/attention/outliers';
import type { EngineApi } from '../../src/engine/engine';
import { createServer } from '../../src/engine/server';
import type { LensError } from '../../src/protocol/errors';
import type {
  CaptionKind,
  DetectedObject,
  FromWorker,
  ModelInfo,
  Request,
  RunParams,
  WorkerEvent,
} from '../../src/protocol/messages';

/** Every image measures 64 × 48 and draws from one URL (no decoding in jsdom). */
export const TEST_READER: ImageReader = {
  measure: async () => ({ width: 64, height: 48 }),
  objectUrl: () => 'blob:test-image',
};

export const GRID = { rows: 4, cols: 4 };
export const LAYERS = 2;
export const HEADS = 2;
const IMAGE_TOKENS = GRID.rows * GRID.cols;

export const FAKE_INFO: ModelInfo = {
  id: 'synthetic-llava-tiny',
  dtype: 'fp32',
  sessionDtypes: { vision: 'fp32', embed: 'fp32', decoder: 'fp32' },
  backend: 'wasm',
  synthetic: true,
  family: 'llava',
  processor: { shortestEdge: 32, crop: { height: 32, width: 32 } },
  tokenGrid: GRID,
  scorer: { name: 'clip-single-head', faithful: true, label: 'CLS attention, single head (paper)' },
  decoder: { layers: LAYERS, heads: HEADS, vocabSize: 50 },
};

/** Distinct scores; descending order of patches: 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12, 5, 14, 7, 0. */
export const SCORES = Float32Array.from({ length: IMAGE_TOKENS }, (_, i) => ((i * 7) % 16) + 1);

export const CAPTIONS: Record<CaptionKind, readonly string[]> = {
  baseline: ['A', ' dog', ' on', ' a', ' couch'],
  damro: ['A', ' dog', ' on', ' the', ' bed'],
};

/** What the scripted detector finds in any image (64×48): a sure dog and an unsure couch. */
export const DETECTIONS: readonly DetectedObject[] = [
  { label: 'dog', score: 0.95, box: { x: 4, y: 6, width: 20, height: 16 } },
  { label: 'couch', score: 0.4, box: { x: 30, y: 20, width: 30, height: 24 } },
];

/** The full attention of one generated token, [layers, heads, imageTokens]. */
export function detailOf(caption: CaptionKind, step: number): Float32Array {
  const data = new Float32Array(LAYERS * HEADS * IMAGE_TOKENS);
  for (let l = 0; l < LAYERS; l++) {
    for (let h = 0; h < HEADS; h++) {
      for (let t = 0; t < IMAGE_TOKENS; t++)
        data[(l * HEADS + h) * IMAGE_TOKENS + t] =
          ((t + 1) * (l + 1) + 5 * h * (t % 3) + step + (caption === 'damro' ? 2 : 0)) / 100;
    }
  }
  return data;
}

/** The prompt's text tokens that text attention starts with; the image tokens sat before the fourth. */
export const PROMPT_TOKENS = ['<s>', 'USER', ':', 'Describe', '.', 'ASSISTANT', ':'];
export const IMAGE_AT = 3;

/** Attention over the text keys (the prompt, then `step` caption tokens): key j gets (j + 1) / 200 everywhere. */
export function textOf(step: number): Float32Array {
  const keys = PROMPT_TOKENS.length + step;
  return Float32Array.from({ length: LAYERS * HEADS * keys }, (_, i) => ((i % keys) + 1) / 200);
}

export interface FakeEngine {
  readonly client: EngineClient;
  readonly runs: RunParams[];
  /** Fail the next model/load with this error. */
  failNextLoad?: LensError;
  /** Answer model/load with this instead of FAKE_INFO. */
  loadInfo?: ModelInfo;
  /** Detector calls wait until the returned function is called. */
  holdDetections(): () => void;
  /** Benchmark answers wait until the returned function is called. */
  holdAnswers(): () => void;
}

export function fakeEngine(): FakeEngine {
  const listeners: Array<(event: MessageEvent<FromWorker>) => void> = [];
  const deliver = (message: FromWorker, transfer: Transferable[]) => {
    const copy = structuredClone(message, { transfer });
    setTimeout(() => listeners.forEach((listener) => listener({ data: copy } as MessageEvent<FromWorker>)), 0);
  };
  const emit = (event: WorkerEvent, transfer: Transferable[] = []) => deliver({ kind: 'event', event }, transfer);
  let nextRunId = 1;

  const state: {
    runs: RunParams[];
    failNextLoad?: LensError;
    loadInfo?: ModelInfo;
    detectionsHeld?: Promise<void>;
    answersHeld?: Promise<void>;
  } = { runs: [] };
  const api: EngineApi = {
    async 'engine/hello'() {
      return {
        protocolVersion: 1,
        capabilities: {
          backend: 'wasm',
          fallbackReason: 'No WebGPU adapter in tests.',
          crossOriginIsolated: false,
          ortVersion: 'test',
          transformersVersion: 'test',
        },
      };
    },
    async 'model/load'() {
      if (state.failNextLoad) {
        const error = state.failNextLoad;
        state.failNextLoad = undefined;
        throw error;
      }
      emit({ type: 'load/progress', file: 'config.json', loaded: 300, total: 300, cached: true });
      emit({ type: 'load/progress', file: 'onnx/decoder_model.onnx', loaded: 1572864, total: 3145728, cached: false });
      emit({ type: 'load/progress', file: 'onnx/decoder_model.onnx', loaded: 3145728, total: 3145728, cached: false });
      return state.loadInfo ?? FAKE_INFO;
    },
    async 'run/start'(params) {
      state.runs.push(params);
      const runId = nextRunId++;
      const outliers = selectOutliers(SCORES, params.damro.k);
      emit({
        type: 'run/outliers',
        runId,
        grid: GRID,
        scores: SCORES.slice(),
        indices: Int32Array.from(outliers),
        scorer: FAKE_INFO.scorer,
      });
      const { layerFrom, layerTo, head } = params.attention;
      for (const caption of params.captions) {
        CAPTIONS[caption].forEach((text, step) => {
          emit({ type: 'run/token', runId, caption, step, tokenId: 10 + step, text });
          const stack = { data: detailOf(caption, step), layers: LAYERS, heads: HEADS, imageTokens: IMAGE_TOKENS };
          const values =
            head === 'mean'
              ? aggregateAttention('mean-heads', stack, { layerFrom, layerTo })
              : aggregateAttention('one-head', stack, { layerFrom, layerTo, head });
          emit(
            {
              type: 'run/attention',
              runId,
              caption,
              step,
              grid: GRID,
              values,
              outlierShare: outlierShare(values, outliers),
            },
            [values.buffer],
          );
          if (caption === 'damro') {
            const c = (id: number, score: number, probability: number) => ({
              tokenId: id,
              text: `t${id}`,
              score,
              probability,
            });
            emit({
              type: 'run/step',
              runId,
              step,
              full: [c(10 + step, 3, 0.6), c(30, 2, 0.3)],
              outlier: [c(30, 2.5, 0.5), c(10 + step, 1, 0.2)],
              combined: [c(10 + step, 4.2, 0.8), c(30, 1.2, 0.1)],
              kept: 2,
              cutoff: 0.7,
              changed: step === 3,
            });
          }
        });
        emit({ type: 'run/done', runId, caption, reason: 'eos', tokens: CAPTIONS[caption].length });
      }
      // Each compared method writes "<method> sees" and stops at max tokens.
      for (const { method } of params.methods ?? []) {
        [method, ' sees'].forEach((text, step) => {
          const c = (id: number, score: number, probability: number) => ({
            tokenId: id,
            text: `t${id}`,
            score,
            probability,
          });
          emit({
            type: 'run/method-step',
            runId,
            method,
            step,
            full: [c(60, 3, 0.6), c(50 + step, 2, 0.3)],
            outlier: method === 'ablation' ? [] : [c(60, 4, 0.9)],
            combined: [c(50 + step, 2.5, 0.7), c(60, 2, 0.2)],
            kept: 2,
            cutoff: 0.5,
            changed: true,
          });
          emit({ type: 'run/method-token', runId, method, step, tokenId: 50 + step, text });
        });
        emit({ type: 'run/method-done', runId, method, reason: 'max-tokens', tokens: 2 });
      }
      emit({ type: 'run/finished', runId, timings: { visionMs: 1, prefillMs: 2, decodeMs: 3, steps: 5 } });
      return { runId };
    },
    async 'run/cancel'() {
      return { cancelled: false };
    },
    async 'attn/detail'({ caption, step }) {
      return {
        dims: [LAYERS, HEADS, IMAGE_TOKENS],
        data: detailOf(caption, step),
        text: {
          dims: [LAYERS, HEADS, PROMPT_TOKENS.length + step],
          data: textOf(step),
          prompt: PROMPT_TOKENS,
          imageAt: IMAGE_AT,
        },
      };
    },
    // Benchmark answers: the baseline always says yes, DAMRO always no; the first question's tokens stream first.
    async 'eval/image'({ jobId, items, methods = [] }) {
      for (const caption of ['baseline', 'damro'] as const)
        emit({ type: 'eval/token', jobId, key: items[0].key, caption, tokens: 1 });
      await state.answersHeld;
      // Compared methods answer "Yes" like the baseline.
      const also = (value: string | number) => Object.fromEntries(methods.map((m) => [m.method, value]));
      return {
        answers: items.map(({ key }) => ({
          key,
          outputs: { baseline: 'Yes', damro: 'No', ...also('Yes') },
          tokens: { baseline: 1, damro: 1, ...also(1) },
        })),
        cancelled: false,
        timings: { visionMs: 1, decodeMs: 1 },
      };
    },
    async 'eval/cancel'() {
      return { cancelled: false };
    },
    async 'detect/run'({ modelId, threshold }) {
      await state.detectionsHeld;
      return {
        modelId,
        synthetic: true,
        width: 64,
        height: 48,
        detections: DETECTIONS.filter((d) => d.score >= threshold),
      };
    },
  };
  const serve = createServer(api, deliver);
  const port: WorkerPort = {
    postMessage(message: Request, transfer: Transferable[]) {
      void serve(structuredClone(message, { transfer }));
    },
    addEventListener(type: 'message' | 'error', listener: never) {
      if (type === 'message') listeners.push(listener);
    },
  };
  return {
    client: connectEngine(port),
    get runs() {
      return state.runs;
    },
    set failNextLoad(error: LensError | undefined) {
      state.failNextLoad = error;
    },
    set loadInfo(info: ModelInfo | undefined) {
      state.loadInfo = info;
    },
    holdAnswers() {
      let release!: () => void;
      state.answersHeld = new Promise((resolve) => (release = resolve));
      return release;
    },
    holdDetections() {
      let release!: () => void;
      state.detectionsHeld = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}
