// The real engine on the synthetic Idefics3 (SmolVLM layout: SigLIP-like tower without CLS, pixel shuffle,
// pixel_attention_mask, the Idefics3Processor's prompt expansion) in Node, against independent oracles:
// transformers.js's own Idefics3ForConditionalGeneration.generate(), and the outlier patches the factory planted.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import type { EngineApi } from '../../src/engine/engine';
import { AutoProcessor, Idefics3ForConditionalGeneration } from '../../src/engine/runtime/hf';
import { IDEFICS3_IDS } from '../../src/factory/idefics3/vocabulary';
import type { WorkerEvent } from '../../src/protocol/messages';
import { tinyIdefics3Folder } from '../support/tiny-idefics3';
import {
  captionChat,
  greedyGenerate,
  nodeEngine,
  runParams,
  runToEnd,
  testRawImage,
  tokensOf,
} from '../support/tiny-llava';

let folder: Awaited<ReturnType<typeof tinyIdefics3Folder>>;
let engine: EngineApi;
let events: WorkerEvent[];

/** The LLM token holding patch p of the 8 × 8 patch grid after a 2 × 2 pixel shuffle (4 × 4 tokens). */
const tokenOfPatch = (p: number) => Math.floor(Math.floor(p / 8) / 2) * 4 + Math.floor((p % 8) / 2);

beforeAll(async () => {
  folder = await tinyIdefics3Folder();
  ({ engine, events } = nodeEngine(folder.dir));
});
afterAll(() => rmSync(folder.root, { recursive: true, force: true }));

const outliersOf = (run: WorkerEvent[]) => {
  const event = run.find((e) => e.type === 'run/outliers');
  if (event?.type !== 'run/outliers') throw new Error('no outliers event');
  return event;
};

describe('engine on the tiny synthetic Idefics3 (SmolVLM layout)', () => {
  it('loads with the adapted score, never presented as the paper’s method, on the 4 × 4 token grid', async () => {
    const info = await engine['model/load']({ modelId: folder.modelId, dtype: 'fp32' });
    expect(info).toMatchObject({
      family: 'idefics3',
      tokenGrid: { rows: 4, cols: 4 },
      synthetic: true,
      decoder: { layers: 2, heads: 4 },
    });
    // Splitting off: the processor stretches the image to one 64 px tile.
    expect(info.processor).toEqual({ shortestEdge: 64, crop: { height: 64, width: 64 }, resize: 'stretch' });
    expect(info.scorer).toMatchObject({ name: 'mean-received-attention', faithful: false });
    expect(info.scorer.label.startsWith(ADAPTED_SCORE_NOTICE)).toBe(true);
  });

  it('greedy baseline is token-identical to transformers.js Idefics3ForConditionalGeneration.generate() without image splitting', async () => {
    const run = await runToEnd(engine, events, runParams({ captions: ['baseline'] }));
    const processor = await AutoProcessor.from_pretrained(folder.modelId);
    const model = await Idefics3ForConditionalGeneration.from_pretrained(folder.modelId);
    const inputs = await processor(captionChat(processor), testRawImage(), { do_image_splitting: false });
    // One tile: 16 image tokens between the fake tokens, not (rows·cols + 1)·16.
    expect((inputs.input_ids.tolist()[0] as bigint[]).filter((id) => Number(id) === IDEFICS3_IDS.image)).toHaveLength(
      16,
    );
    const expected = await greedyGenerate(model, inputs, IDEFICS3_IDS.end);
    expect(tokensOf(run, 'baseline')).toEqual(expected);
    expect(expected.length).toBeGreaterThan(3);
  });

  it('streams both captions, per-token outliers holding the planted outlier patches, and attention frames on the token grid', async () => {
    const run = await runToEnd(engine, events, runParams({ damro: { alpha: 1, beta: 0.1, k: 2 } }));
    const outliers = outliersOf(run);
    expect(outliers.grid).toEqual({ rows: 4, cols: 4 });
    expect(outliers.scores).toHaveLength(16);
    expect(outliers.scorer.faithful).toBe(false);
    const planted = new Set(folder.model.outlierPatches.map(tokenOfPatch));
    expect(new Set(Array.from(outliers.indices))).toEqual(planted);
    expect(tokensOf(run, 'baseline').length).toBeGreaterThan(0);
    expect(tokensOf(run, 'damro').length).toBeGreaterThan(0);
    const frames = run.filter((e) => e.type === 'run/attention');
    expect(frames.length).toBe(run.filter((e) => e.type === 'run/token').length);
    for (const frame of frames) if (frame.type === 'run/attention') expect(frame.values).toHaveLength(16);
    // The DAMRO branch without image padding keeps positions contiguous: α = 0 reproduces the baseline.
    const same = await runToEnd(engine, events, runParams({ damro: { alpha: 0, beta: 0.1, k: 2 } }));
    expect(tokensOf(same, 'damro')).toEqual(tokensOf(same, 'baseline'));
  });

  it('with the token-norm adaptation selected at load, finds the same planted outliers', async () => {
    const info = await engine['model/load']({ modelId: folder.modelId, dtype: 'fp32', noClsScorer: 'token-norm' });
    expect(info.scorer).toMatchObject({ name: 'token-norm', faithful: false });
    const run = await runToEnd(engine, events, runParams({ maxNewTokens: 2 }));
    expect(new Set(Array.from(outliersOf(run).indices))).toEqual(
      new Set(folder.model.outlierPatches.map(tokenOfPatch)),
    );
  });
});
