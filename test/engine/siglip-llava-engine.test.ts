// The llava adapter on towers without CLS, in the layouts of llava-interleave (model_type "llava") and
// llava-onevision (model_type "llava_onevision", base crop only): the adapted score, the planted outlier
// patches found, both captions and frames, and the greedy baseline equal to transformers.js's own class.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import {
  configureHub,
  LlavaForConditionalGeneration,
  LlavaOnevisionForConditionalGeneration,
} from '../../src/engine/runtime/hf';
import { makeSiglipLlavaModel, type SiglipLlavaType } from '../../src/factory/siglip-llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import { nodeEngine, runParams, runToEnd, tokensOf, transformersGreedyTokens } from '../support/tiny-llava';

const root = mkdtempSync(join(tmpdir(), 'damro-siglip-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CLASSES = {
  llava: LlavaForConditionalGeneration,
  llava_onevision: LlavaOnevisionForConditionalGeneration,
} as const;

describe.each(['llava', 'llava_onevision'] as const)('engine on a SigLIP %s (no CLS)', (modelType: SiglipLlavaType) => {
  it('loads with the adapted score, finds the planted outliers, streams both captions and frames, and matches generate()', async () => {
    const model = makeSiglipLlavaModel({ modelType });
    const modelId = `tiny-siglip-${modelType}`;
    await writeModelFolder(join(root, modelId), model.files);
    configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
    const { engine, events } = nodeEngine(join(root, modelId));
    const info = await engine['model/load']({ modelId, dtype: 'fp32', noClsScorer: 'token-norm' });
    expect(info).toMatchObject({
      family: modelType,
      tokenGrid: { rows: 4, cols: 4 },
      scorer: { name: 'token-norm', faithful: false },
    });
    expect(info.scorer.label.startsWith(ADAPTED_SCORE_NOTICE)).toBe(true);
    expect(info.processor).toEqual({ shortestEdge: 32, crop: { height: 32, width: 32 }, resize: 'stretch' });

    const run = await runToEnd(engine, events, runParams({ damro: { alpha: 1, beta: 0.1, k: 2 } }));
    const outliers = run.find((e) => e.type === 'run/outliers');
    if (outliers?.type !== 'run/outliers') throw new Error('no outliers event');
    expect(new Set(Array.from(outliers.indices))).toEqual(new Set(model.outlierPatches));
    expect(run.filter((e) => e.type === 'run/attention')).toHaveLength(
      run.filter((e) => e.type === 'run/token').length,
    );
    expect(tokensOf(run, 'damro').length).toBeGreaterThan(0);

    const expected = await transformersGreedyTokens(root, modelId, { modelClass: CLASSES[modelType] });
    expect(tokensOf(run, 'baseline')).toEqual(expected);
    expect(expected.length).toBeGreaterThan(3);
  });
});
