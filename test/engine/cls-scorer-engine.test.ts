// DAMRO's two CLS scores as a load option: the paper's LLaVA-1.5 setting (one softmax over the full width) and its
// InstructBLIP setting (the mean of per-head softmaxes). On the tiny llava, whose two heads see the patches
// differently, the two rules rank the patches differently; each run says which rule it used.
import { describe, expect, it } from 'vitest';
import type { WorkerEvent } from '../../src/protocol/messages';
import { runParams, runToEnd, useTinyEngine } from '../support/tiny-llava';

const tiny = useTinyEngine();
type Outliers = Extract<WorkerEvent, { type: 'run/outliers' }>;

async function outliersWith(clsScorer: 'clip-single-head' | 'head-mean'): Promise<Outliers> {
  const info = await tiny.engine['model/load']({ modelId: tiny.folder.modelId, dtype: 'fp32', clsScorer });
  expect(info.scorer.name).toBe(clsScorer);
  const run = await runToEnd(
    tiny.engine,
    tiny.events,
    runParams({ captions: ['baseline'], maxNewTokens: 1, damro: { alpha: 1, beta: 0.1, k: 16 } }),
  );
  return run.find((e): e is Outliers => e.type === 'run/outliers')!;
}

describe('CLS outlier score selectable on load', () => {
  it('head-mean ranks the patches differently from the single-head score, and each run is labelled with its paper setting', async () => {
    const single = await outliersWith('clip-single-head');
    const mean = await outliersWith('head-mean');
    expect(single.scorer).toMatchObject({
      name: 'clip-single-head',
      faithful: true,
      label: expect.stringMatching(/LLaVA-1\.5/),
    });
    expect(mean.scorer).toMatchObject({
      name: 'head-mean',
      faithful: true,
      label: expect.stringMatching(/InstructBLIP/),
    });
    expect(Array.from(mean.indices)).not.toEqual(Array.from(single.indices));
    // Both find the two outliers the factory planted (patches 8 and 11) first.
    for (const o of [single, mean]) expect(Array.from(o.indices.slice(0, 2)).sort((a, b) => a - b)).toEqual([8, 11]);
  });
});
