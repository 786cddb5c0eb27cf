// Models whose processor stretches the image (SigLIP llava, Idefics3 without splitting): the overlay geometry
// maps the whole image onto the model input, and the export schema records the stretch.
import { describe, expect, it } from 'vitest';
import { validateRunExport } from '../../../src/core/export/run-export';
import type { ModelInfo } from '../../../src/protocol/messages';
import { processorPlanFor } from '../../../src/state/derive';

const info = (processor: ModelInfo['processor']): ModelInfo => ({
  id: 'm',
  dtype: 'fp32',
  sessionDtypes: { vision: 'fp32', embed: 'fp32', decoder: 'fp32' },
  backend: 'wasm',
  synthetic: true,
  family: 'idefics3',
  processor,
  tokenGrid: { rows: 4, cols: 4 },
  scorer: { name: 'token-norm', faithful: false, label: 'adapted' },
  decoder: { layers: 2, heads: 2, vocabSize: 10 },
});

describe('stretching processors', () => {
  it('map a 200 × 100 image onto the whole 64 × 64 input, each axis scaled on its own', () => {
    const plan = processorPlanFor(info({ shortestEdge: 64, crop: { height: 64, width: 64 }, resize: 'stretch' }), {
      width: 200,
      height: 100,
    });
    expect(plan.input).toEqual({ width: 64, height: 64 });
    expect(plan.toModel).toEqual({ scaleX: 0.32, offsetX: 0, scaleY: 0.64, offsetY: 0 });
  });

  it('keep the shortest-edge resize and centre crop otherwise', () => {
    const plan = processorPlanFor(info({ shortestEdge: 64, crop: { height: 64, width: 64 } }), {
      width: 200,
      height: 100,
    });
    expect(plan.toModel.scaleX).toBeCloseTo(0.64, 6);
    expect(plan.toModel.offsetX).toBeLessThan(0);
  });

  it('are valid in the run export, and no other resize word is', () => {
    const model = (processor: unknown) => ({
      id: 'm',
      dtype: 'fp32',
      backend: 'wasm',
      family: 'idefics3',
      synthetic: true,
      tokenGrid: { rows: 1, cols: 1 },
      decoder: { layers: 1, heads: 1 },
      processor,
    });
    const errorsFor = (processor: unknown) =>
      validateRunExport({ model: model(processor) }).filter((e) => e.startsWith('$.model'));
    expect(errorsFor({ shortestEdge: 64, crop: { height: 64, width: 64 }, resize: 'stretch' })).toEqual([]);
    expect(errorsFor({ shortestEdge: 64, crop: { height: 64, width: 64 } })).toEqual([]);
    expect(errorsFor({ shortestEdge: 64, crop: { height: 64, width: 64 }, resize: 'crop' })).toEqual([
      '$.model.processor.resize: expected "stretch", got string "crop"',
    ]);
  });
});
