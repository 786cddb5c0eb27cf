// The real engine on the synthetic Qwen2-VL (flattened patches in 2 × 2-merge order with grid_thw, a tower without
// CLS and without a batch axis, a per-image token grid, M-RoPE position_ids [3, batch, seq]) in Node, against
// independent oracles: transformers.js's own Qwen2VLForConditionalGeneration (generate() and its get_rope_index
// positions), the factory's float64 references of the tower and the decoder, and the processor's own patches for an
// image twice as wide as tall.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import { METHODS } from '../../src/core/methods/registry';
import { patchRectInImage } from '../../src/core/geometry/patches';
import type { PatchIndex } from '../../src/core/geometry/spaces';
import { mropePositions } from '../../src/engine/adapters/qwen2vl';
import type { LoadedModel } from '../../src/engine/model';
import { AutoProcessor, Qwen2VLForConditionalGeneration, RawImage } from '../../src/engine/runtime/hf';
import { ort } from '../../src/engine/runtime/ort';
import { makeQwen2VLModel } from '../../src/factory/qwen2vl/make-model';
import { QWEN2VL_IDS } from '../../src/factory/qwen2vl/vocabulary';
import { referenceDecoder, referenceEmbed } from '../../src/factory/reference/decoder-forward';
import { referenceQwen2VLVision } from '../../src/factory/reference/qwen2vl-vision-forward';
import type { ComparedMethod } from '../../src/protocol/messages';
import { processorPlanFor } from '../../src/state/derive';
import {
  CAPTION_PROMPT,
  captionChat,
  greedyGenerate,
  nodeEngine,
  nodeLoader,
  runParams,
  runToEnd,
  testImage,
  testRawImage,
  tokensOf,
} from '../support/tiny-llava';
import { outliersOf, useFamilyEngine } from '../support/family-engine';

const qwen2vl = useFamilyEngine('tiny-qwen2vl', () => makeQwen2VLModel());
const { root, modelId } = qwen2vl;
const STOPS = [QWEN2VL_IDS.end, QWEN2VL_IDS.endOfText];

type Tensorish = { tolist(): unknown; dims: readonly number[] };
const numbers = (t: Tensorish) => (t.tolist() as bigint[][])[0]!.map(Number);

/** transformers.js's processor output for the caption prompt and testImage() (48 × 40). */
async function processed() {
  const processor = await AutoProcessor.from_pretrained(modelId);
  return (await processor(captionChat(processor), testRawImage())) as Record<
    'input_ids' | 'attention_mask' | 'pixel_values' | 'image_grid_thw',
    Tensorish & { data: Float32Array; ort_tensor: ort.Tensor }
  >;
}

/** The factory's float64 tower on the processed testImage(): its 10 × 12 patch grid (5 × 6 merged tokens). */
const referenceTower = (inputs: Awaited<ReturnType<typeof processed>>) =>
  referenceQwen2VLVision(qwen2vl.model.weights, qwen2vl.model.tower, qwen2vl.model.dims, inputs.pixel_values.data, {
    rows: 10,
    cols: 12,
  });

/** transformers.js's own M-RoPE positions for the processed prompt, [3][seq]. */
async function transformersPositions(inputs: Awaited<ReturnType<typeof processed>>): Promise<number[][]> {
  // from_pretrained is typed as the base class; the instance is Qwen2VLForConditionalGeneration.
  const reference = (await Qwen2VLForConditionalGeneration.from_pretrained(
    modelId,
  )) as unknown as Qwen2VLForConditionalGeneration;
  const [positions] = reference.get_rope_index(
    inputs.input_ids as never,
    inputs.image_grid_thw as never,
    null as never,
    inputs.attention_mask as never,
  );
  await reference.dispose();
  return (positions.tolist() as bigint[][][]).map((axis) => axis[0]!.map(Number));
}

describe('engine on the tiny synthetic Qwen2-VL', () => {
  it('loads as qwen2_vl with the adapted score; the model grid is a square image’s at max_pixels (6 × 6)', () => {
    expect(qwen2vl.info).toMatchObject({
      family: 'qwen2_vl',
      tokenGrid: { rows: 6, cols: 6 },
      gridPerImage: true,
      synthetic: true,
    });
    expect(qwen2vl.info.decoder).toMatchObject({ layers: 2, heads: 4 });
    expect(qwen2vl.info.scorer).toMatchObject({ name: 'mean-received-attention', faithful: false });
    expect(qwen2vl.info.scorer.label.startsWith(ADAPTED_SCORE_NOTICE)).toBe(true);
  });

  it('greedy baseline is token-identical to transformers.js Qwen2VLForConditionalGeneration.generate()', async () => {
    const run = await qwen2vl.run(runParams({ captions: ['baseline'] }));
    const inputs = await processed();
    // 48 × 40 is already a multiple of 8 px under max_pixels: 12 × 10 patches, 6 × 5 tokens.
    expect(numbers(inputs.image_grid_thw)).toEqual([1, 10, 12]);
    expect(numbers(inputs.input_ids).filter((id) => id === QWEN2VL_IDS.image)).toHaveLength(30);
    const reference = await Qwen2VLForConditionalGeneration.from_pretrained(modelId);
    const expected = await greedyGenerate(reference, inputs, STOPS);
    expect(expected.length).toBeGreaterThan(3);
    expect(tokensOf(run, 'baseline')).toEqual(expected);
  });

  it('the full row’s positions are transformers.js’s get_rope_index; the outlier row keeps its tokens’ own', async () => {
    const inputs = await processed();
    const ids = numbers(inputs.input_ids);
    const expected = await transformersPositions(inputs);
    const start = ids.indexOf(QWEN2VL_IDS.image);
    const grid = { rows: 5, cols: 6 };
    const full = mropePositions(
      { ids, start, count: 30 },
      grid,
      Array.from({ length: 30 }, (_, i) => i),
    );
    const n = ids.length;
    expect([0, 1, 2].map((a) => Array.from(full.ids.subarray(a * n, (a + 1) * n)))).toEqual(expected);
    // The next token continues from the largest position + 1, as transformers.js's rope_deltas give it.
    expect(full.next).toBe(Math.max(...expected.flat()) + 1);
    // Outliers 29 and 7, in that order: the image span holds only them, each at its own (t, row, col) of the full row;
    // the text after keeps the full row's positions.
    const outlier = mropePositions({ ids, start, count: 30 }, grid, [29, 7]);
    const m = n - 28;
    const axis = (a: number) => Array.from(outlier.ids.subarray(a * m, (a + 1) * m));
    for (let a = 0; a < 3; a++)
      expect(axis(a)).toEqual([
        ...expected[a]!.slice(0, start),
        expected[a]![start + 29],
        expected[a]![start + 7],
        ...expected[a]!.slice(start + 30),
      ]);
    expect(outlier.next).toBe(full.next);
  });

  it('per-image grid in the events; DAMRO runs, and α = 0 reproduces the baseline', async () => {
    const run = await qwen2vl.run(runParams({ damro: { alpha: 1, beta: 0.1, k: 3 } }));
    const outliers = outliersOf(run);
    expect(outliers.grid).toEqual({ rows: 5, cols: 6 });
    expect(outliers.scores).toHaveLength(30);
    const frames = run.filter((e) => e.type === 'run/attention');
    expect(frames.length).toBe(run.filter((e) => e.type === 'run/token').length);
    for (const frame of frames)
      if (frame.type === 'run/attention') {
        expect(frame.grid).toEqual({ rows: 5, cols: 6 });
        expect(frame.values).toHaveLength(30);
      }
    expect(tokensOf(run, 'damro').length).toBeGreaterThan(0);
    const same = await qwen2vl.run(runParams({ damro: { alpha: 0, beta: 0.1, k: 3 } }));
    expect(tokensOf(same, 'damro')).toEqual(tokensOf(same, 'baseline'));
  });

  it('each token’s score is the maximum over its 4 merged patches of the reference tower’s mean received attention', async () => {
    const run = await qwen2vl.run(runParams({ captions: ['baseline'], maxNewTokens: 1 }));
    const inputs = await processed();
    const { attention } = referenceTower(inputs);
    // The merger reads the last block: mean over 2 heads × 120 queries of the attention each patch receives.
    const last = attention.at(-1)!;
    const received = new Float64Array(120);
    for (let row = 0; row < 2 * 120; row++) for (let j = 0; j < 120; j++) received[j] += last[row * 120 + j]! / 240;
    const expected = Array.from({ length: 30 }, (_, t) => Math.max(...received.subarray(4 * t, 4 * t + 4)));
    const { scores } = outliersOf(run);
    expect(scores).toHaveLength(30);
    scores.forEach((score, t) => expect(Math.abs(score - expected[t]!)).toBeLessThan(1e-6));
    expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(1e-4);
  });

  it('with the token-norm score, each token’s is the largest L2 norm of its 4 patches in the reference’s last block', async () => {
    const { engine: normEngine, events: normEvents } = nodeEngine(join(root, modelId));
    const loaded = await normEngine['model/load']({ modelId, dtype: 'fp32', noClsScorer: 'token-norm' });
    expect(loaded.scorer).toMatchObject({ name: 'token-norm', faithful: false });
    const run = await runToEnd(normEngine, normEvents, runParams({ captions: ['baseline'], maxNewTokens: 1 }));
    const inputs = await processed();
    const { lastHidden } = referenceTower(inputs);
    const h = qwen2vl.model.dims.base.vision.hidden;
    const norms = Array.from({ length: 120 }, (_, p) => Math.hypot(...lastHidden.subarray(p * h, (p + 1) * h)));
    const { scores } = outliersOf(run);
    expect(scores).toHaveLength(30);
    scores.forEach((score, t) => {
      const expected = Math.max(...norms.slice(4 * t, 4 * t + 4));
      expect(Math.abs(score - expected)).toBeLessThan(1e-4 * expected);
    });
  });

  it('the image features equal the reference tower and merger', async () => {
    const inputs = await processed();
    const vision = await ort.InferenceSession.create(qwen2vl.model.files.get('onnx/vision_encoder.onnx')!);
    const { image_features: features } = await vision.run({
      pixel_values: inputs.pixel_values.ort_tensor,
      grid_thw: inputs.image_grid_thw.ort_tensor,
    });
    await vision.release();
    const { imageFeatures } = referenceTower(inputs);
    expect(features!.dims).toEqual([30, qwen2vl.model.dims.base.text.hidden]);
    (features!.data as Float32Array).forEach((value, i) =>
      expect(Math.abs(value - imageFeatures[i]!)).toBeLessThan(1e-4),
    );
  });

  it('the first baseline attention frame equals the reference decoder at transformers.js’s M-RoPE positions', async () => {
    const run = await qwen2vl.run(runParams({ captions: ['baseline'], maxNewTokens: 1 }));
    const frame = run.find((e) => e.type === 'run/attention' && e.step === 0);
    if (frame?.type !== 'run/attention') throw new Error('no attention frame');
    const inputs = await processed();
    const ids = numbers(inputs.input_ids);
    const positions = await transformersPositions(inputs);
    const vision = await ort.InferenceSession.create(qwen2vl.model.files.get('onnx/vision_encoder.onnx')!);
    const { image_features: features } = await vision.run({
      pixel_values: inputs.pixel_values.ort_tensor,
      grid_thw: inputs.image_grid_thw.ort_tensor,
    });
    await vision.release();
    const hidden = qwen2vl.model.dims.base.text.hidden;
    const embeds = referenceEmbed(qwen2vl.model.weights, [ids]);
    const start = ids.indexOf(QWEN2VL_IDS.image);
    embeds.set(features!.data as Float32Array, start * hidden);
    const n = ids.length;
    const { attention } = referenceDecoder(qwen2vl.model.weights, {
      embeds,
      batch: 1,
      attentionMask: [ids.map(() => 1)],
      positionIds: [positions[1]!],
      mrope: { positions: positions.map((axis) => [axis]), section: qwen2vl.model.dims.mropeSection },
    });
    const expected = Array.from({ length: 30 }, (_, j) => {
      let sum = 0;
      for (const probs of attention) for (let h = 0; h < 4; h++) sum += probs[(h * n + n - 1) * n + start + j]!;
      return sum / 8;
    });
    expect(frame.values).toHaveLength(30);
    frame.values.forEach((value, j) => expect(Math.abs(value - expected[j]!)).toBeLessThan(1e-5));
    expect(Math.max(...frame.values) - Math.min(...frame.values)).toBeGreaterThan(1e-4);
  });

  it('the three DAMRO rows decoded in one batch equal each row decoded alone, step by step', async () => {
    const loaded: LoadedModel = await nodeLoader(join(root, modelId))(modelId, 'fp32', () => {});
    try {
      const image = await loaded.encodeImage(testImage());
      const rows = await loaded.buildRows(CAPTION_PROMPT, image, Int32Array.of(29, 7, 12));
      const three = [rows.full, rows.full, rows.outlier!];
      expect(rows.outlier!.positions!.ids).toHaveLength(3 * rows.outlier!.length);
      const batched = loaded.createRunner();
      const alone = three.map(() => loaded.createRunner());
      let together = await batched.prefill(three);
      let single = await Promise.all(alone.map((runner, r) => runner.prefill([three[r]!])));
      const tokens = [
        [5, 9, 11],
        [6, 9, 12],
        [7, 8, 13],
      ];
      for (let step = 0; ; step++) {
        single.forEach((output, r) =>
          together.logits[r]!.forEach((logit, v) => expect(Math.abs(logit - output.logits[0]![v]!)).toBeLessThan(1e-4)),
        );
        if (step === tokens.length) break;
        const fed = tokens[step]!;
        together = await batched.step(fed);
        single = await Promise.all(alone.map((runner, r) => runner.step([fed[r]!])));
      }
      // The outlier row does differ from the full row: the check compares rows that are not all alike.
      expect(together.logits[2]!.some((logit, v) => Math.abs(logit - together.logits[0]![v]!) > 1e-3)).toBe(true);
      await Promise.all([batched, ...alone].map((runner) => runner.dispose()));
    } finally {
      await loaded.dispose();
    }
  });

  it('compared methods run with their rows’ positions: at zero strength each equals the baseline, DAMRO the caption', async () => {
    const damro = { alpha: 1, beta: 0.1, k: 3 };
    const methods: ComparedMethod[] = [
      { method: 'vcd', params: { ...METHODS.vcd.defaults, alpha: 0 } },
      { method: 'm3id', params: { ...METHODS.m3id.defaults, lambda: 0 } },
      { method: 'avisc', params: { ...METHODS.avisc.defaults, alpha: 0 } },
      { method: 'damro', params: { ...METHODS.damro.defaults, ...damro } },
      { method: 'ablation', params: { k: 3 } },
    ];
    const run = await qwen2vl.run(runParams({ damro, methods }));
    const methodTokens = (method: string) =>
      run.flatMap((e) => (e.type === 'run/method-token' && e.method === method ? [e.tokenId] : []));
    const baseline = tokensOf(run, 'baseline');
    for (const method of ['vcd', 'm3id', 'avisc']) expect(methodTokens(method), method).toEqual(baseline);
    // The compared DAMRO builds its outlier row through the same path as the caption's.
    expect(methodTokens('damro')).toEqual(tokensOf(run, 'damro'));
    expect(methodTokens('ablation').length).toBeGreaterThan(0);
  });

  it('on a 128 × 64 image the token grid is the processor’s 4 × 8, and each token covers its own 16 × 16 px', async () => {
    // A black picture with one white 16 × 16 square at x 80–96, y 16–32: token (row 1, col 5) = index 13.
    const width = 128;
    const height = 64;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const white = x >= 80 && x < 96 && y >= 16 && y < 32;
        data.set([white ? 255 : 0, white ? 255 : 0, white ? 255 : 0, 255], (y * width + x) * 4);
      }
    const run = await qwen2vl.run(
      runParams({ image: { kind: 'rgba', width, height, data }, captions: ['baseline'], maxNewTokens: 1 }),
    );
    const grid = outliersOf(run).grid;
    const processor = await AutoProcessor.from_pretrained(modelId);
    const out = (await processor.image_processor!(
      new RawImage(new Uint8ClampedArray(data), width, height, 4).rgb(),
    )) as {
      pixel_values: { data: Float32Array; dims: number[] };
      image_grid_thw: Tensorish;
    };
    // smart_resize: 8192 px > 2304, so both sides shrink by √(8192 / 2304) and floor to 8 px: 32 × 64, 4 × 8 tokens.
    expect(numbers(out.image_grid_thw)).toEqual([1, 8, 16]);
    expect(grid).toEqual({ rows: 4, cols: 8 });
    const plan = processorPlanFor(qwen2vl.info, { width, height });
    const rect = patchRectInImage(plan, grid, 13 as PatchIndex);
    expect([rect.x, rect.y, rect.width, rect.height].map((v) => Math.round(v * 1e9) / 1e9)).toEqual([80, 16, 16, 16]);
    // The processor's own patches: the tokens whose 4 merged patches differ from black are exactly token 13.
    const values = out.pixel_values.dims[1]!;
    const black = out.pixel_values.data[0]!;
    const lit = Array.from({ length: 32 }, (_, t) => {
      const block = out.pixel_values.data.subarray(4 * t * values, 4 * (t + 1) * values);
      return block.reduce((sum, v) => sum + Math.abs(v - black), 0) / block.length > 0.5;
    });
    expect(lit.flatMap((on, t) => (on ? [t] : []))).toEqual([13]);
  });
});
