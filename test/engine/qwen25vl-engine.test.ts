// The real engine on the synthetic Qwen2.5-VL (Qwen2-VL's layout with image_grid_thw, text_config, and a windowed
// tower: the tokens reordered window by window, blocks 0 and 2 attending within 2 × 2-token windows, block 1 over the
// whole image) in Node, against independent oracles: transformers.js's own
// Qwen2_5_VLForConditionalGeneration.generate(), and the factory's float64 reference tower, which follows every patch
// through the window order by its own loops.
import { describe, expect, it } from 'vitest';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import { windowOrder } from '../../src/engine/adapters/qwen2vl';
import { AutoProcessor, Qwen2_5_VLForConditionalGeneration } from '../../src/engine/runtime/hf';
import { ort } from '../../src/engine/runtime/ort';
import { QWEN25VL_TINY } from '../../src/factory/qwen2vl/dims';
import { makeQwen2VLModel } from '../../src/factory/qwen2vl/make-model';
import { QWEN2VL_IDS } from '../../src/factory/qwen2vl/vocabulary';
import { referenceQwen2VLVision } from '../../src/factory/reference/qwen2vl-vision-forward';
import { captionChat, greedyGenerate, runParams, testRawImage, tokensOf } from '../support/tiny-llava';
import { outliersOf, useFamilyEngine } from '../support/family-engine';

const qwen25vl = useFamilyEngine('tiny-qwen25vl', () => makeQwen2VLModel({ dims: QWEN25VL_TINY }));
const { modelId } = qwen25vl;

type Processed = Record<
  'input_ids' | 'pixel_values' | 'image_grid_thw',
  { data: Float32Array; dims: number[]; tolist(): unknown; ort_tensor: ort.Tensor }
>;

async function processed(): Promise<Processed> {
  const processor = await AutoProcessor.from_pretrained(modelId);
  return (await processor(captionChat(processor), testRawImage())) as Processed;
}

describe('engine on the tiny synthetic Qwen2.5-VL', () => {
  it('loads as qwen2_5_vl with the adapted score and a grid per image', () => {
    expect(qwen25vl.info).toMatchObject({ family: 'qwen2_5_vl', tokenGrid: { rows: 6, cols: 6 }, gridPerImage: true });
    expect(qwen25vl.info.scorer).toMatchObject({ name: 'mean-received-attention', faithful: false });
    expect(qwen25vl.info.scorer.label.startsWith(ADAPTED_SCORE_NOTICE)).toBe(true);
  });

  it('greedy baseline is token-identical to transformers.js Qwen2_5_VLForConditionalGeneration.generate()', async () => {
    const run = await qwen25vl.run(runParams({ captions: ['baseline'] }));
    const inputs = await processed();
    const reference = await Qwen2_5_VLForConditionalGeneration.from_pretrained(modelId);
    const expected = await greedyGenerate(reference, inputs as never, [QWEN2VL_IDS.end, QWEN2VL_IDS.endOfText]);
    expect(expected.length).toBeGreaterThan(3);
    expect(tokensOf(run, 'baseline')).toEqual(expected);
  });

  it('the windowed tower’s image features, back in grid order, equal the reference', async () => {
    const inputs = await processed();
    expect((inputs.image_grid_thw.tolist() as bigint[][])[0]!.map(Number)).toEqual([1, 10, 12]);
    const vision = await ort.InferenceSession.create(qwen25vl.model.files.get('onnx/vision_encoder.onnx')!);
    const { image_features: features } = await vision.run({
      pixel_values: inputs.pixel_values.ort_tensor,
      image_grid_thw: inputs.image_grid_thw.ort_tensor,
    });
    await vision.release();
    const { imageFeatures, attention, patchOrder } = referenceQwen2VLVision(
      qwen25vl.model.weights,
      qwen25vl.model.tower,
      qwen25vl.model.dims,
      inputs.pixel_values.data,
      { rows: 10, cols: 12 },
    );
    (features!.data as Float32Array).forEach((value, i) =>
      expect(Math.abs(value - imageFeatures[i]!)).toBeLessThan(1e-4),
    );
    // The windows are real: block 0 gives nothing across windows, and the window order is not the grid's.
    const first = attention[0]!;
    expect(first[3 * 120 + 60]).toBe(0);
    expect(patchOrder.slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(patchOrder[8]).toBe(6 * 4);
  });

  it('each token’s score is its 4 patches’ maximum received attention in the full-attention block, mapped back from window order', async () => {
    const run = await qwen25vl.run(runParams({ captions: ['baseline'], maxNewTokens: 1 }));
    const inputs = await processed();
    const { attention, patchOrder } = referenceQwen2VLVision(
      qwen25vl.model.weights,
      qwen25vl.model.tower,
      qwen25vl.model.dims,
      inputs.pixel_values.data,
      { rows: 10, cols: 12 },
    );
    // Block 1 (full attention): mean over 2 heads × 120 queries of what each patch receives, per merge-order patch.
    const full = attention[1]!;
    const received = new Float64Array(120);
    for (let row = 0; row < 240; row++)
      for (let j = 0; j < 120; j++) received[patchOrder[j]!]! += full[row * 120 + j]! / 240;
    const expected = Array.from({ length: 30 }, (_, t) => Math.max(...received.subarray(4 * t, 4 * t + 4)));
    const { scores, grid } = outliersOf(run);
    expect(grid).toEqual({ rows: 5, cols: 6 });
    scores.forEach((score, t) => expect(Math.abs(score - expected[t]!)).toBeLessThan(1e-6));
    // Read in window order without mapping back, the scores would sit on other tokens.
    const order = windowOrder(grid, 2);
    expect(order.some((token, k) => token !== k)).toBe(true);
    expect(order.some((token, k) => Math.abs(scores[k]! - expected[token]!) > 1e-6)).toBe(true);
  });

  it('DAMRO runs on the per-image grid, and α = 0 reproduces the baseline', async () => {
    const run = await qwen25vl.run(runParams({ damro: { alpha: 1, beta: 0.1, k: 3 } }));
    expect(outliersOf(run).scores).toHaveLength(30);
    expect(tokensOf(run, 'damro').length).toBeGreaterThan(0);
    const same = await qwen25vl.run(runParams({ damro: { alpha: 0, beta: 0.1, k: 3 } }));
    expect(tokensOf(same, 'damro')).toEqual(tokensOf(same, 'baseline'));
  });
});
