// The real engine in Node on one synthetic model family's fixture (Gemma 3, PaliGemma, Moondream 2, LFM2-VL,
// Idefics3, …): the hooks that write and load it, and the pieces every family's engine test reads its run and its
// oracles with. What a test asserts stays in the test; the checks here are the ones every family makes alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import type { PatchGrid } from '../../src/core/geometry/grid';
import { patchRectInImage } from '../../src/core/geometry/patches';
import type { ProcessorPlan } from '../../src/core/geometry/processor';
import type { PatchIndex } from '../../src/core/geometry/spaces';
import type { EngineApi } from '../../src/engine/engine';
import { configureHub } from '../../src/engine/runtime/hf';
import { ort } from '../../src/engine/runtime/ort';
import { writeModelFolder } from '../../src/factory/write-folder';
import type { Grid, ModelInfo, RunParams, WorkerEvent } from '../../src/protocol/messages';
import { nodeEngine, runToEnd } from './tiny-llava';

export interface FamilyEngine<M> {
  /** The temp folder transformers.js reads from (localModelPath); the fixture is its folder `modelId`. */
  readonly root: string;
  readonly modelId: string;
  readonly model: M;
  readonly engine: EngineApi;
  readonly events: WorkerEvent[];
  /** What model/load answered (fp32). */
  readonly info: ModelInfo;
  /** Runs `params` on the engine to the end and returns that run's events. */
  readonly run: (params: RunParams) => Promise<WorkerEvent[]>;
}

/**
 * Registers hooks that write `make()`'s files as the folder `modelId` of a new temp folder, point transformers.js
 * there, start the real engine and load the model (fp32), and remove the folder after the file's tests. `root` and
 * `modelId` are there at once, the rest before the first test runs.
 */
export function useFamilyEngine<M extends { readonly files: Map<string, Uint8Array> }>(
  modelId: string,
  make: () => M,
  timeout?: number,
): FamilyEngine<M> {
  const root = mkdtempSync(join(tmpdir(), `damro-${modelId}-`));
  const state = { root, modelId } as { -readonly [K in keyof FamilyEngine<M>]: FamilyEngine<M>[K] };
  beforeAll(async () => {
    state.model = make();
    await writeModelFolder(join(root, modelId), state.model.files);
    configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
    const { engine, events } = nodeEngine(join(root, modelId));
    Object.assign(state, { engine, events, run: (params: RunParams) => runToEnd(engine, events, params) });
    state.info = await engine['model/load']({ modelId, dtype: 'fp32' });
  }, timeout);
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return state;
}

/**
 * What every adapted family's load says: its family, token grid and decoder, the image stretched to one square of
 * `stretchedTo` px, and the adapted score `scorer`, never presented as the paper's (faithful false, the notice first).
 */
export function expectAdaptedLoad(
  info: ModelInfo,
  expected: {
    family: string;
    tokenGrid: Grid;
    decoder: Partial<ModelInfo['decoder']>;
    stretchedTo: number;
    scorer: string;
  },
): void {
  const { family, tokenGrid, decoder, stretchedTo: side, scorer } = expected;
  expect(info).toMatchObject({ family, tokenGrid, synthetic: true, decoder });
  expect(info.processor).toEqual({ shortestEdge: side, crop: { height: side, width: side }, resize: 'stretch' });
  expect(info.scorer).toMatchObject({ name: scorer, faithful: false });
  expect(info.scorer.label.startsWith(ADAPTED_SCORE_NOTICE)).toBe(true);
}

export const outliersOf = (run: WorkerEvent[]) => {
  const event = run.find((e) => e.type === 'run/outliers');
  if (event?.type !== 'run/outliers') throw new Error('no outliers event');
  return event;
};

export const firstFrameOf = (run: WorkerEvent[]) => {
  const frame = run.find((e) => e.type === 'run/attention' && e.step === 0);
  if (frame?.type !== 'run/attention') throw new Error('no attention frame');
  return frame;
};

/**
 * A run's outliers are on `grid`, one score per token, by an adapted (not faithful) scorer, and every streamed token
 * came with an attention frame over the grid; returns the outliers event.
 */
export function expectOutliersOnGrid(run: WorkerEvent[], grid: Grid): ReturnType<typeof outliersOf> {
  const tokens = grid.rows * grid.cols;
  const outliers = outliersOf(run);
  expect(outliers.grid).toEqual(grid);
  expect(outliers.scores).toHaveLength(tokens);
  expect(outliers.scorer.faithful).toBe(false);
  const frames = run.filter((e) => e.type === 'run/attention');
  expect(frames.length).toBe(run.filter((e) => e.type === 'run/token').length);
  for (const frame of frames) if (frame.type === 'run/attention') expect(frame.values).toHaveLength(tokens);
  return outliers;
}

/** The fixture's untapped vision graph run directly on `feeds`: the image features transformers.js splices in. */
export async function visionFeatures(
  files: Map<string, Uint8Array>,
  feeds: Record<string, ort.Tensor>,
): Promise<ort.Tensor> {
  const vision = await ort.InferenceSession.create(files.get('onnx/vision_encoder.onnx')!);
  const { image_features: features } = await vision.run(feeds);
  await vision.release();
  return features!;
}

/** Mean over `heads` × `keys` queries of the attention each key receives, from one layer's [heads, keys, keys]. */
export function meanReceivedAttention(attention: ArrayLike<number>, heads: number, keys: number): Float64Array {
  const received = new Float64Array(keys);
  for (let row = 0; row < heads * keys; row++)
    for (let j = 0; j < keys; j++) received[j] += attention[row * keys + j]! / (heads * keys);
  return received;
}

/**
 * The attention frame a reference decoder gives: the mean over its layers' [heads, n, n] rows and `heads` heads of the
 * last prompt row's attention to the `tokens` image keys from `start` on.
 */
export function lastRowImageAttention(
  attention: readonly ArrayLike<number>[],
  { heads, n, start, tokens }: { heads: number; n: number; start: number; tokens: number },
): number[] {
  return Array.from({ length: tokens }, (_, j) => {
    let sum = 0;
    for (const probs of attention) for (let h = 0; h < heads; h++) sum += probs[(h * n + n - 1) * n + start + j]!;
    return sum / (attention.length * heads);
  });
}

/** Every patch of the tower's `patches` grid lies inside the image region of the token that holds it. */
export function expectPatchesInsideTheirTokens(
  plan: ProcessorPlan,
  patches: PatchGrid,
  tokens: PatchGrid,
  tokenOfPatch: (p: number) => number,
): void {
  for (let p = 0; p < patches.rows * patches.cols; p++) {
    const patch = patchRectInImage(plan, patches, p as PatchIndex);
    const token = patchRectInImage(plan, tokens, tokenOfPatch(p) as PatchIndex);
    expect(patch.x).toBeGreaterThanOrEqual(token.x - 1e-9);
    expect(patch.y).toBeGreaterThanOrEqual(token.y - 1e-9);
    expect(patch.x + patch.width).toBeLessThanOrEqual(token.x + token.width + 1e-9);
    expect(patch.y + patch.height).toBeLessThanOrEqual(token.y + token.height + 1e-9);
  }
}
