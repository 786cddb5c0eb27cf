// The real engine on the synthetic Idefics3 (SmolVLM layout: SigLIP-like tower without CLS, pixel shuffle,
// pixel_attention_mask, the Idefics3Processor's prompt expansion) in Node, against independent oracles:
// transformers.js's own Idefics3ForConditionalGeneration.generate(), and the outlier patches the factory planted.
import { describe, expect, it } from 'vitest';
import { makeIdefics3Model } from '../../src/factory/idefics3/make-model';
import { IDEFICS3_IDS } from '../../src/factory/idefics3/vocabulary';
import { expectAdaptedLoad, expectOutliersOnGrid, outliersOf, useFamilyEngine } from '../support/family-engine';
import { idefics3GreedyTokens } from '../support/tiny-idefics3';
import { runParams, tokensOf } from '../support/tiny-llava';

const idefics3 = useFamilyEngine('tiny-idefics3', makeIdefics3Model);

/** The LLM token holding patch p of the 8 × 8 patch grid after a 2 × 2 pixel shuffle (4 × 4 tokens). */
const tokenOfPatch = (p: number) => Math.floor(Math.floor(p / 8) / 2) * 4 + Math.floor((p % 8) / 2);

describe('engine on the tiny synthetic Idefics3 (SmolVLM layout)', () => {
  it('loads with the adapted score, never presented as the paper’s method, on the 4 × 4 token grid', () => {
    // Splitting off: the processor stretches the image to one 64 px tile.
    expectAdaptedLoad(idefics3.info, {
      family: 'idefics3',
      tokenGrid: { rows: 4, cols: 4 },
      decoder: { layers: 2, heads: 4 },
      stretchedTo: 64,
      scorer: 'mean-received-attention',
    });
  });

  it('greedy baseline is token-identical to transformers.js Idefics3ForConditionalGeneration.generate() without image splitting', async () => {
    const run = await idefics3.run(runParams({ captions: ['baseline'] }));
    const { tokens: expected, ids } = await idefics3GreedyTokens(idefics3.root, idefics3.modelId);
    // One tile: 16 image tokens between the fake tokens, not (rows·cols + 1)·16.
    expect(ids.filter((id) => id === IDEFICS3_IDS.image)).toHaveLength(16);
    expect(tokensOf(run, 'baseline')).toEqual(expected);
    expect(expected.length).toBeGreaterThan(3);
  });

  it('streams both captions, per-token outliers holding the planted outlier patches, and attention frames on the token grid', async () => {
    const run = await idefics3.run(runParams({ damro: { alpha: 1, beta: 0.1, k: 2 } }));
    const outliers = expectOutliersOnGrid(run, { rows: 4, cols: 4 });
    const planted = new Set(idefics3.model.outlierPatches.map(tokenOfPatch));
    expect(new Set(Array.from(outliers.indices))).toEqual(planted);
    expect(tokensOf(run, 'baseline').length).toBeGreaterThan(0);
    expect(tokensOf(run, 'damro').length).toBeGreaterThan(0);
    // The DAMRO branch without image padding keeps positions contiguous: α = 0 reproduces the baseline.
    const same = await idefics3.run(runParams({ damro: { alpha: 0, beta: 0.1, k: 2 } }));
    expect(tokensOf(same, 'damro')).toEqual(tokensOf(same, 'baseline'));
  });

  it('with the token-norm adaptation selected at load, finds the same planted outliers', async () => {
    const info = await idefics3.engine['model/load']({
      modelId: idefics3.modelId,
      dtype: 'fp32',
      noClsScorer: 'token-norm',
    });
    expect(info.scorer).toMatchObject({ name: 'token-norm', faithful: false });
    const run = await idefics3.run(runParams({ maxNewTokens: 2 }));
    expect(new Set(Array.from(outliersOf(run).indices))).toEqual(
      new Set(idefics3.model.outlierPatches.map(tokenOfPatch)),
    );
  });
});
