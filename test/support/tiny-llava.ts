import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createEngine, type EngineApi } from '../../src/engine/engine';
import { ADAPTERS } from '../../src/engine/adapters/registry';
import { createModelLoader } from '../../src/engine/load/load-model';
import type { EncodeOptions, ModelLoader } from '../../src/engine/model';
import {
  AutoProcessor,
  configureHub,
  LlavaForConditionalGeneration,
  type LlavaOnevisionForConditionalGeneration,
  RawImage,
  type Processor,
} from '../../src/engine/runtime/hf';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { SPECIAL_IDS } from '../../src/factory/llava/vocabulary';
import { writeModelFolder } from '../../src/factory/write-folder';
import type { RunParams, WorkerEvent } from '../../src/protocol/messages';
import { folderSource } from '../../src/cli/node-engine';

/** Writes the seed-42 tiny synthetic llava (fp32) to a temp folder that transformers.js and our loader both read. */
export async function tinyLlavaFolder(): Promise<{ root: string; modelId: string; dir: string }> {
  const root = mkdtempSync(join(tmpdir(), 'damro-engine-'));
  const modelId = 'tiny-fp32';
  const dir = join(root, modelId);
  await writeModelFolder(dir, makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).files);
  configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
  return { root, modelId, dir };
}

export const nodeLoader = (dir: string): ModelLoader =>
  createModelLoader({
    adapters: ADAPTERS,
    locate: () => ({
      source: folderSource(dir),
      hub: { localModelPath: `${dirname(dir)}/`, allowRemoteModels: false },
    }),
    backend: async () => 'wasm',
  });

/** The real engine in-process on ORT's wasm backend, with every event it emits and every vision pass counted. */
export function nodeEngine(dir: string): { engine: EngineApi; events: WorkerEvent[]; visionPasses: () => number } {
  const events: WorkerEvent[] = [];
  let visionPasses = 0;
  const load = nodeLoader(dir);
  const engine = createEngine({
    env: { gpu: undefined, crossOriginIsolated: false, ortVersion: 'node', transformersVersion: 'node' },
    emit: (event) => events.push(event),
    loadModel: async (...args) => {
      const model = await load(...args);
      const encode = model.encodeImage.bind(model);
      return Object.assign(model, {
        encodeImage: (image: RunParams['image'], options?: EncodeOptions) => (visionPasses++, encode(image, options)),
      });
    },
  });
  return { engine, events, visionPasses: () => visionPasses };
}

/** A patterned RGBA picture; the default 48×40 makes the processor really resize and centre-crop. */
export function testImage(width = 48, height = 40): RunParams['image'] {
  const data = new Uint8ClampedArray(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
  return { kind: 'rgba', width, height, data };
}

export const CAPTION_PROMPT = 'Generate a short caption of this image.';

export function runParams(overrides: Partial<RunParams> = {}): RunParams {
  return {
    image: testImage(),
    prompt: CAPTION_PROMPT,
    captions: ['baseline', 'damro'],
    damro: { alpha: 1, beta: 0.1, k: 2 },
    decoding: { mode: 'greedy' },
    maxNewTokens: 12,
    attention: { layerFrom: 0, layerTo: 2, head: 'mean' },
    ...overrides,
  };
}

/** Waits until the engine reports the run finished (or failed) and returns that run's events. */
export async function runToEnd(engine: EngineApi, events: WorkerEvent[], params: RunParams): Promise<WorkerEvent[]> {
  const { runId } = await engine['run/start'](params);
  for (;;) {
    const end = events.find((e) => (e.type === 'run/finished' || e.type === 'run/error') && e.runId === runId);
    if (end) {
      if (end.type === 'run/error') throw new Error(`${end.error.code}: ${end.error.message}`);
      return events.filter((e) => 'runId' in e && e.runId === runId);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const tokensOf = (events: WorkerEvent[], caption: 'baseline' | 'damro'): number[] =>
  events.flatMap((e) => (e.type === 'run/token' && e.caption === caption ? [e.tokenId] : []));

export const methodTokensOf = (events: WorkerEvent[], method: string): number[] =>
  events.flatMap((e) => (e.type === 'run/method-token' && e.method === method ? [e.tokenId] : []));

export interface TinyEngine {
  readonly folder: Awaited<ReturnType<typeof tinyLlavaFolder>>;
  readonly engine: EngineApi;
  readonly events: WorkerEvent[];
  readonly visionPasses: () => number;
}

/**
 * Registers hooks that write the tiny model, start the real engine on it with the model loaded, and clean up;
 * the returned object is filled in before the first test runs.
 */
export function useTinyEngine(): TinyEngine {
  const state = {} as { -readonly [K in keyof TinyEngine]: TinyEngine[K] };
  beforeAll(async () => {
    state.folder = await tinyLlavaFolder();
    Object.assign(state, nodeEngine(state.folder.dir));
    await state.engine['model/load']({ modelId: state.folder.modelId, dtype: 'fp32' });
  });
  afterAll(() => rmSync(state.folder.root, { recursive: true, force: true }));
  return state;
}

type Generator = Awaited<ReturnType<typeof LlavaForConditionalGeneration.from_pretrained>>;
type LlavaClass = typeof LlavaForConditionalGeneration | typeof LlavaOnevisionForConditionalGeneration;

/** The caption prompt as the model's own chat template writes it (an image, then CAPTION_PROMPT). */
export const captionChat = (processor: Processor): ReturnType<Processor['apply_chat_template']> =>
  processor.apply_chat_template(
    [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: CAPTION_PROMPT }] }],
    { add_generation_prompt: true },
  );

/** testImage() as transformers.js's RawImage (RGB). */
export function testRawImage(): RawImage {
  const image = testImage();
  if (image.kind !== 'rgba') throw new Error('unreachable');
  return new RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 4).rgb();
}

/**
 * The oracle's decode: transformers.js's own greedy generate() (12 new tokens unless told) on processed inputs,
 * the new tokens without `eos` (one id or several); the model is disposed.
 */
export async function greedyGenerate(
  model: Generator,
  inputs: { input_ids: { dims: readonly number[] } },
  eos: number | readonly number[],
  maxNewTokens = 12,
): Promise<number[]> {
  const stops = typeof eos === 'number' ? [eos] : eos;
  const output = (await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false })) as {
    tolist(): bigint[][];
  };
  await model.dispose();
  return output
    .tolist()[0]
    .slice(inputs.input_ids.dims[1])
    .map(Number)
    .filter((id) => !stops.includes(id));
}

/**
 * The oracle: transformers.js's own greedy generate() on the llava-layout folder `root/name`, the caption prompt and
 * testImage(), with the family's class (LLaVA by default) and the layout's dtype.
 */
export async function transformersGreedyTokens(
  root: string,
  name: string,
  { modelClass = LlavaForConditionalGeneration, dtype }: { modelClass?: LlavaClass; dtype?: 'q4' | 'q4f16' } = {},
): Promise<number[]> {
  configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
  const processor = await AutoProcessor.from_pretrained(name);
  const model = await modelClass.from_pretrained(name, dtype && { dtype });
  const inputs = await processor(testRawImage(), captionChat(processor));
  return greedyGenerate(model, inputs, SPECIAL_IDS.eos);
}
