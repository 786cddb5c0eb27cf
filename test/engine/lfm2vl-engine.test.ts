// The real engine on the synthetic LFM2-VL (a hybrid decoder of gated short convolutions carrying past_conv state
// and attention layers; a SigLIP2 NaFlex-like tower with padded patches masked and a 2 × 2 pixel-unshuffle
// projector) in Node, against independent oracles: transformers.js's own Lfm2VlForConditionalGeneration.generate(),
// and the fixture's graphs run directly without any cache.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import type { EngineApi } from '../../src/engine/engine';
import { AutoProcessor, configureHub, Lfm2VlForConditionalGeneration, RawImage } from '../../src/engine/runtime/hf';
import { ort } from '../../src/engine/runtime/ort';
import { makeLfm2VlModel, type Lfm2VlModel } from '../../src/factory/lfm2vl/make-model';
import { LFM2VL_IDS } from '../../src/factory/lfm2vl/vocabulary';
import { writeModelFolder } from '../../src/factory/write-folder';
import type { ModelInfo, WorkerEvent } from '../../src/protocol/messages';
import {
  captionChat,
  greedyGenerate,
  nodeEngine,
  runParams,
  runToEnd,
  testImage,
  tokensOf,
} from '../support/tiny-llava';

const root = mkdtempSync(join(tmpdir(), 'damro-lfm2vl-'));
const modelId = 'tiny-lfm2vl';
let model: Lfm2VlModel;
let engine: EngineApi;
let events: WorkerEvent[];
let info: ModelInfo;

/** A square picture of the fixture's tile size (32 px): the adapter's stretch leaves it as it is. */
const tileImage = () => testImage(32, 32);
const tileRawImage = () => {
  const image = tileImage();
  if (image.kind !== 'rgba') throw new Error('unreachable');
  return new RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 4).rgb();
};

beforeAll(async () => {
  model = makeLfm2VlModel();
  await writeModelFolder(join(root, modelId), model.files);
  configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
  ({ engine, events } = nodeEngine(join(root, modelId)));
  info = await engine['model/load']({ modelId, dtype: 'fp32' });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Greedy decoding by re-running the whole sequence through the decoder with an empty cache at every step. */
async function greedyWithoutCache(ids: number[], features: Float32Array, steps: number): Promise<number[]> {
  const hidden = model.dims.base.text.hidden;
  const { layerTypes, convLCache } = model.dims;
  const heads = model.dims.base.text.heads;
  const embed = await ort.InferenceSession.create(model.files.get('onnx/embed_tokens.onnx')!);
  const decoder = await ort.InferenceSession.create(model.files.get('onnx/decoder_model_merged.onnx')!);
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
    const vocab = model.dims.base.text.vocabSize;
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
    expect(info).toMatchObject({
      family: 'lfm2_vl',
      tokenGrid: { rows: 4, cols: 4 },
      synthetic: true,
      decoder: { layers: 2, heads: 4 },
    });
    expect(info.processor).toEqual({ shortestEdge: 32, crop: { height: 32, width: 32 }, resize: 'stretch' });
    expect(info.scorer.faithful).toBe(false);
    expect(info.scorer.label.startsWith(ADAPTED_SCORE_NOTICE)).toBe(true);
  });

  it('transformers.js generate() carries past_conv: it equals greedy decoding that recomputes the whole sequence', async () => {
    const processor = await AutoProcessor.from_pretrained(modelId);
    const inputs = await processor(tileRawImage(), captionChat(processor));
    const ids = (inputs.input_ids.tolist()[0] as bigint[]).map(Number);
    // <|startoftext|><|im_start|>user <|image_start|> <image>×16 <|image_end|> …: 8 × 8 patches, 2 × 2 per token.
    expect(ids.slice(0, 4)).toEqual([LFM2VL_IDS.bos, LFM2VL_IDS.start, ids[2], LFM2VL_IDS.imageStart]);
    expect(ids.filter((id) => id === LFM2VL_IDS.image)).toHaveLength(16);
    expect(ids[4 + 16]).toBe(LFM2VL_IDS.imageEnd);
    expect(inputs.spatial_shapes.tolist()).toEqual([[8n, 8n]]);
    expect(inputs.pixel_values.dims).toEqual([1, 64, 48]);
    const vision = await ort.InferenceSession.create(model.files.get('onnx/vision_encoder.onnx')!);
    const { image_features: features } = await vision.run({
      pixel_values: inputs.pixel_values.ort_tensor,
      pixel_attention_mask: inputs.pixel_attention_mask.ort_tensor,
      spatial_shapes: inputs.spatial_shapes.ort_tensor,
    });
    expect(features!.dims).toEqual([16, model.dims.base.text.hidden]);
    const reference = await Lfm2VlForConditionalGeneration.from_pretrained(modelId);
    const generated = await greedyGenerate(reference, inputs, LFM2VL_IDS.eos);
    expect(generated.length).toBeGreaterThan(3);
    expect(generated).toEqual(await greedyWithoutCache(ids, features!.data as Float32Array, generated.length));
  });

  it('greedy baseline is token-identical to transformers.js Lfm2VlForConditionalGeneration.generate()', async () => {
    const run = await runToEnd(engine, events, runParams({ image: tileImage(), captions: ['baseline'] }));
    const processor = await AutoProcessor.from_pretrained(modelId);
    const reference = await Lfm2VlForConditionalGeneration.from_pretrained(modelId);
    const inputs = await processor(tileRawImage(), captionChat(processor));
    const expected = await greedyGenerate(reference, inputs, LFM2VL_IDS.eos);
    expect(tokensOf(run, 'baseline')).toEqual(expected);
  });

  it('DAMRO runs its three rows in one batch; α = 0 reproduces the baseline', async () => {
    const run = await runToEnd(engine, events, runParams({ image: tileImage(), damro: { alpha: 1, beta: 0.1, k: 2 } }));
    expect(tokensOf(run, 'damro').length).toBeGreaterThan(0);
    const frames = run.filter((e) => e.type === 'run/attention');
    for (const frame of frames) if (frame.type === 'run/attention') expect(frame.values).toHaveLength(16);
    const same = await runToEnd(
      engine,
      events,
      runParams({ image: tileImage(), damro: { alpha: 0, beta: 0.1, k: 2 } }),
    );
    expect(tokensOf(same, 'damro')).toEqual(tokensOf(same, 'baseline'));
  });
});
