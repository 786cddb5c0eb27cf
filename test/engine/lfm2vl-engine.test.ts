// The real engine on the synthetic LFM2-VL (a hybrid decoder of gated short convolutions carrying past_conv state
// and attention layers; a SigLIP2 NaFlex-like tower with padded patches masked and a 2 × 2 pixel-unshuffle
// projector) in Node, against independent oracles: transformers.js's own Lfm2VlForConditionalGeneration.generate(),
// the fixture's graphs run directly without any cache, and the factory's float64 references of the tower and the
// hybrid decoder.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchRectInImage } from '../../src/core/geometry/patches';
import type { PatchIndex } from '../../src/core/geometry/spaces';
import { AutoProcessor, Lfm2VlForConditionalGeneration, RawImage } from '../../src/engine/runtime/hf';
import { ort } from '../../src/engine/runtime/ort';
import { topK } from '../../src/core/tensor/topk';
import type { DecoderRunner, RowSpec, StepOutput } from '../../src/engine/decode/runner';
import { makeLfm2VlModel } from '../../src/factory/lfm2vl/make-model';
import { referenceEmbed } from '../../src/factory/reference/decoder-forward';
import { referenceLfm2Decoder, referenceNaflexTower } from '../../src/factory/reference/lfm2vl-forward';
import { LFM2VL_IDS } from '../../src/factory/lfm2vl/vocabulary';
import { writeModelFolder } from '../../src/factory/write-folder';
import { gridOf, processorPlanFor } from '../../src/state/derive';
import {
  expectAdaptedLoad,
  expectPatchesInsideTheirTokens,
  firstFrameOf,
  lastRowImageAttention,
  meanReceivedAttention,
  outliersOf,
  useFamilyEngine,
  visionFeatures,
} from '../support/family-engine';
import { captionChat, greedyGenerate, nodeLoader, runParams, testImage, tokensOf } from '../support/tiny-llava';

const lfm2vl = useFamilyEngine('tiny-lfm2vl', makeLfm2VlModel, 60_000);

/** A square picture of the fixture's tile size (32 px): the adapter's stretch leaves it as it is. */
const tileImage = () => testImage(32, 32);
const tileRawImage = () => {
  const image = tileImage();
  if (image.kind !== 'rgba') throw new Error('unreachable');
  return new RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 4).rgb();
};

/** The image token that packs patch p of the 8 × 8 patch grid (2 × 2 blocks → 4 × 4 tokens). */
const tokenOfPatch = (p: number) => Math.floor(Math.floor(p / 8) / 2) * 4 + Math.floor((p % 8) / 2);

/** Greedy decoding by re-running the whole sequence through the decoder with an empty cache at every step. */
async function greedyWithoutCache(ids: number[], features: Float32Array, steps: number): Promise<number[]> {
  const hidden = lfm2vl.model.dims.base.text.hidden;
  const { layerTypes, convLCache } = lfm2vl.model.dims;
  const heads = lfm2vl.model.dims.base.text.heads;
  const embed = await ort.InferenceSession.create(lfm2vl.model.files.get('onnx/embed_tokens.onnx')!);
  const decoder = await ort.InferenceSession.create(lfm2vl.model.files.get('onnx/decoder_model_merged.onnx')!);
  const out: number[] = [];
  const sequence = [...ids];
  for (let step = 0; step < steps; step++) {
    const n = sequence.length;
    const embedded = await embed.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(sequence, BigInt), [1, n]),
    });
    const embeds = (embedded.inputs_embeds!.data as Float32Array).slice();
    embeds.set(features, ids.indexOf(LFM2VL_IDS.image) * hidden);
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor('float32', embeds, [1, n, hidden]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      position_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: n }, (_, i) => BigInt(i)),
        [1, n],
      ),
    };
    layerTypes.forEach((type, l) => {
      if (type === 'conv')
        feeds[`past_conv.${l}`] = new ort.Tensor('float32', new Float32Array(hidden * convLCache), [
          1,
          hidden,
          convLCache,
        ]);
      else
        for (const kv of ['key', 'value'])
          feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [
            1,
            heads,
            0,
            hidden / heads,
          ]);
    });
    const { logits } = await decoder.run(feeds);
    const vocab = lfm2vl.model.dims.base.text.vocabSize;
    const last = (logits!.data as Float32Array).subarray((n - 1) * vocab, n * vocab);
    const next = last.indexOf(Math.max(...last));
    if (next === LFM2VL_IDS.eos) break;
    out.push(next);
    sequence.push(next);
  }
  return out;
}

describe('engine on the tiny synthetic LFM2-VL', () => {
  it('loads as lfm2_vl: a 4 × 4 token grid of one stretched 32 px tile, the adapted score, the two attention layers', () => {
    expectAdaptedLoad(lfm2vl.info, {
      family: 'lfm2_vl',
      tokenGrid: { rows: 4, cols: 4 },
      decoder: { layers: 2, heads: 4 },
      stretchedTo: 32,
      scorer: 'mean-received-attention',
    });
  });

  it('transformers.js generate() carries past_conv: it equals greedy decoding that recomputes the whole sequence', async () => {
    const processor = await AutoProcessor.from_pretrained(lfm2vl.modelId);
    const inputs = await processor(tileRawImage(), captionChat(processor));
    const ids = (inputs.input_ids.tolist()[0] as bigint[]).map(Number);
    // <|startoftext|><|im_start|>user <|image_start|> <image>×16 <|image_end|> …: 8 × 8 patches, 2 × 2 per token.
    expect(ids.slice(0, 4)).toEqual([LFM2VL_IDS.bos, LFM2VL_IDS.start, ids[2], LFM2VL_IDS.imageStart]);
    expect(ids.filter((id) => id === LFM2VL_IDS.image)).toHaveLength(16);
    expect(ids[4 + 16]).toBe(LFM2VL_IDS.imageEnd);
    expect(inputs.spatial_shapes.tolist()).toEqual([[8n, 8n]]);
    expect(inputs.pixel_values.dims).toEqual([1, 64, 48]);
    const features = await visionFeatures(lfm2vl.model.files, {
      pixel_values: inputs.pixel_values.ort_tensor,
      pixel_attention_mask: inputs.pixel_attention_mask.ort_tensor,
      spatial_shapes: inputs.spatial_shapes.ort_tensor,
    });
    expect(features.dims).toEqual([16, lfm2vl.model.dims.base.text.hidden]);
    const reference = await Lfm2VlForConditionalGeneration.from_pretrained(lfm2vl.modelId);
    const generated = await greedyGenerate(reference, inputs, LFM2VL_IDS.eos);
    expect(generated.length).toBeGreaterThan(3);
    expect(generated).toEqual(await greedyWithoutCache(ids, features.data as Float32Array, generated.length));
  });

  it('the fixture’s tower ignores padded patches: transformers.js’s 48 × 40 path pads 6 × 8 patches to 64', async () => {
    const processor = await AutoProcessor.from_pretrained(lfm2vl.modelId);
    const image = testImage();
    if (image.kind !== 'rgba') throw new Error('unreachable');
    const inputs = await processor(
      new RawImage(new Uint8ClampedArray(image.data), 48, 40, 4).rgb(),
      captionChat(processor),
    );
    // 48 × 40 shrinks to 32 × 24 px for the 16-token budget: 6 × 8 patches of 4 px, 3 × 4 = 12 tokens.
    expect(inputs.spatial_shapes.tolist()).toEqual([[6n, 8n]]);
    expect((inputs.input_ids.tolist()[0] as bigint[]).filter((id) => Number(id) === LFM2VL_IDS.image)).toHaveLength(12);
    const vision = await ort.InferenceSession.create(lfm2vl.model.files.get('onnx/vision_encoder.onnx')!);
    const run = async (pixels: Float32Array) =>
      (
        await vision.run({
          pixel_values: new ort.Tensor('float32', pixels, [1, 64, 48]),
          pixel_attention_mask: inputs.pixel_attention_mask.ort_tensor,
          spatial_shapes: inputs.spatial_shapes.ort_tensor,
        })
      ).image_features!;
    const pixels = inputs.pixel_values.data as Float32Array;
    const features = await run(pixels);
    expect(features.dims).toEqual([12, lfm2vl.model.dims.base.text.hidden]);
    const noisy = pixels.slice();
    for (let i = 48 * 48; i < noisy.length; i++) noisy[i] = Math.sin(i) * 3;
    expect(Array.from((await run(noisy)).data as Float32Array)).toEqual(Array.from(features.data as Float32Array));
    noisy[0] += 1;
    expect(Array.from((await run(noisy)).data as Float32Array)).not.toEqual(Array.from(features.data as Float32Array));
    await vision.release();
  });

  it('greedy baseline is token-identical to transformers.js Lfm2VlForConditionalGeneration.generate()', async () => {
    const run = await lfm2vl.run(runParams({ image: tileImage(), captions: ['baseline'] }));
    const processor = await AutoProcessor.from_pretrained(lfm2vl.modelId);
    const reference = await Lfm2VlForConditionalGeneration.from_pretrained(lfm2vl.modelId);
    const inputs = await processor(tileRawImage(), captionChat(processor));
    const expected = await greedyGenerate(reference, inputs, LFM2VL_IDS.eos);
    expect(tokensOf(run, 'baseline')).toEqual(expected);
  });

  it('DAMRO runs its three rows in one batch; α = 0 reproduces the baseline', async () => {
    const run = await lfm2vl.run(runParams({ image: tileImage(), damro: { alpha: 1, beta: 0.1, k: 2 } }));
    expect(tokensOf(run, 'damro').length).toBeGreaterThan(0);
    const frames = run.filter((e) => e.type === 'run/attention');
    for (const frame of frames) if (frame.type === 'run/attention') expect(frame.values).toHaveLength(16);
    const same = await lfm2vl.run(runParams({ image: tileImage(), damro: { alpha: 0, beta: 0.1, k: 2 } }));
    expect(tokensOf(same, 'damro')).toEqual(tokensOf(same, 'baseline'));
  });

  it('each token’s score is the maximum over its 2 × 2 block of the reference tower’s mean received attention', async () => {
    const run = await lfm2vl.run(runParams({ image: tileImage(), captions: ['baseline'], maxNewTokens: 1 }));
    const processor = await AutoProcessor.from_pretrained(lfm2vl.modelId);
    const { pixel_values: pixels } = (await processor.image_processor!(tileRawImage())) as {
      pixel_values: { data: Float32Array };
    };
    // The projector reads the last layer: mean over 2 heads × 64 queries of the attention each patch receives.
    const { attention } = referenceNaflexTower(lfm2vl.model, pixels.data, { rows: 8, cols: 8 }).at(-1)!;
    const received = meanReceivedAttention(attention, 2, 64);
    const expected = new Float64Array(16).fill(-Infinity);
    received.forEach((score, p) => (expected[tokenOfPatch(p)] = Math.max(expected[tokenOfPatch(p)]!, score)));
    const { scores, grid } = outliersOf(run);
    expect(grid).toEqual({ rows: 4, cols: 4 });
    expect(scores).toHaveLength(16);
    scores.forEach((score, t) => expect(Math.abs(score - expected[t]!)).toBeLessThan(1e-6));
    expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(1e-3);
  });

  it('the first attention frame is the reference decoder’s, averaged over its two attention layers only', async () => {
    const run = await lfm2vl.run(runParams({ image: tileImage(), captions: ['baseline'], maxNewTokens: 1 }));
    const frame = firstFrameOf(run);
    const processor = await AutoProcessor.from_pretrained(lfm2vl.modelId);
    const inputs = await processor(tileRawImage(), captionChat(processor));
    const ids = (inputs.input_ids.tolist()[0] as bigint[]).map(Number);
    const features = await visionFeatures(lfm2vl.model.files, {
      pixel_values: inputs.pixel_values.ort_tensor,
      pixel_attention_mask: inputs.pixel_attention_mask.ort_tensor,
      spatial_shapes: inputs.spatial_shapes.ort_tensor,
    });
    const hidden = lfm2vl.model.dims.base.text.hidden;
    const embeds = referenceEmbed(lfm2vl.model.weights, [ids]);
    const start = ids.indexOf(LFM2VL_IDS.image);
    embeds.set(features.data as Float32Array, start * hidden);
    const n = ids.length;
    const { logits, attention } = referenceLfm2Decoder(lfm2vl.model, embeds);
    // Layers 1 and 3 are the attention layers; the conv layers 0 and 2 shape their input but have no frame.
    expect(attention).toHaveLength(2);
    const expected = lastRowImageAttention(attention, { heads: 4, n, start, tokens: 16 });
    expect(frame.values).toHaveLength(16);
    frame.values.forEach((value, j) => expect(Math.abs(value - expected[j]!)).toBeLessThan(1e-5));
    expect(Math.max(...frame.values) - Math.min(...frame.values)).toBeGreaterThan(1e-4);
    // The reference's next token is the engine's first token.
    const vocab = lfm2vl.model.dims.base.text.vocabSize;
    const last = Array.from(logits.subarray((n - 1) * vocab, n * vocab));
    expect(tokensOf(run, 'baseline')[0]).toBe(last.indexOf(Math.max(...last)));
  });

  it('a 48 × 40 image is stretched to the tile: its scores are the tower’s on the stretched tile, each token a 12 × 10 px region', async () => {
    const run = await lfm2vl.run(runParams({ captions: ['baseline'], maxNewTokens: 1 }));
    const image = testImage();
    if (image.kind !== 'rgba') throw new Error('unreachable');
    const raw = new RawImage(new Uint8ClampedArray(image.data), 48, 40, 4).rgb();
    const processor = await AutoProcessor.from_pretrained(lfm2vl.modelId);
    const { pixel_values: pixels, spatial_shapes: shapes } = (await processor.image_processor!(
      await raw.resize(32, 32),
    )) as { pixel_values: { data: Float32Array }; spatial_shapes: { tolist(): bigint[][] } };
    expect(shapes.tolist()).toEqual([[8n, 8n]]);
    const { attention } = referenceNaflexTower(lfm2vl.model, pixels.data, { rows: 8, cols: 8 }).at(-1)!;
    const received = meanReceivedAttention(attention, 2, 64);
    const { scores } = outliersOf(run);
    scores.forEach((score, t) => {
      const block = Array.from(received).filter((_, p) => tokenOfPatch(p) === t);
      expect(Math.abs(score - Math.max(...block))).toBeLessThan(1e-6);
    });

    // Stretched 48 × 40 → 32 × 32: a token is 2 × 2 patches of 4 px = 8 × 8 model px = 12 × 10 image px, so token
    // (row 1, col 2) = index 6 starts at (2·12, 1·10) = (24, 10).
    const plan = processorPlanFor(lfm2vl.info, { width: 48, height: 40 });
    const tokens = gridOf(lfm2vl.info);
    const tokenRect = patchRectInImage(plan, tokens, 6 as PatchIndex);
    expect(tokenRect.x).toBeCloseTo(24, 9);
    expect(tokenRect.y).toBeCloseTo(10, 9);
    expect(tokenRect.width).toBeCloseTo(12, 9);
    expect(tokenRect.height).toBeCloseTo(10, 9);
    // Every patch of the 8 × 8 tower grid lies inside the region of the token that packs it.
    expectPatchesInsideTheirTokens(plan, { rows: 8, cols: 8 }, tokens, tokenOfPatch);
  });

  it('one batched step of the three rows gives each row the logits and attention it gets alone (1e-4)', async () => {
    const loaded = await nodeLoader(join(lfm2vl.root, lfm2vl.modelId))(lfm2vl.modelId, 'fp32', () => {});
    const image = await loaded.encodeImage(tileImage());
    const built = await loaded.buildRows('Describe the image.', image, Int32Array.from(topK(image.scores, 3)));
    // The outlier row is shorter: left-padded keys in the attention layers, its own unpadded convolution state.
    const rows: RowSpec[] = [
      built.full,
      built.full,
      { ...built.outlier!, imageSpan: { start: built.full.imageSpan!.start, length: 3 } },
    ];
    expect(rows[2]!.length).toBeLessThan(rows[0]!.length);
    const tokens = [
      [20, 21, 21],
      [30, 40, 40],
      [25, 25, 26],
    ];
    const drive = async (runner: DecoderRunner, prefill: RowSpec[], steps: number[][]): Promise<StepOutput[]> => {
      const outputs = [await runner.prefill(prefill)];
      for (const step of steps) outputs.push(await runner.step(step));
      await runner.dispose();
      return outputs;
    };
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    const batched = await drive(loaded.createRunner(), rows, tokens);
    for (let r = 0; r < rows.length; r++) {
      const alone = await drive(
        loaded.createRunner(),
        [rows[r]!],
        tokens.map((step) => [step[r]!]),
      );
      alone.forEach((output, step) => {
        expect(maxDiff(batched[step]!.logits[r]!, output.logits[0]!), `row ${r} step ${step}`).toBeLessThan(1e-4);
        expect(maxDiff(batched[step]!.attention[r]!, output.attention[0]!), `row ${r} step ${step}`).toBeLessThan(1e-5);
      });
    }
    await loaded.dispose();
  });

  it('checks config.json against the first attention layer’s keys, not the convolution layer 0', async () => {
    const config = JSON.parse(new TextDecoder().decode(lfm2vl.model.files.get('config.json')!)) as {
      text_config: Record<string, unknown>;
    };
    config.text_config.num_key_value_heads = 2;
    const files = new Map(lfm2vl.model.files).set('config.json', new TextEncoder().encode(JSON.stringify(config)));
    const dir = join(lfm2vl.root, 'wrong-kv-heads');
    await writeModelFolder(dir, files);
    const error = await nodeLoader(dir)('wrong-kv-heads', 'fp32', () => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'bad-model-config' });
    expect((error as Error).message).toMatch(
      /num_key_value_heads gives 2, but the graph's 'past_key_values\.1\.key' has 4/,
    );
  });
});
