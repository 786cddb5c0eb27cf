// Fused decoders (GroupQueryAttention, right-padded; MultiHeadAttention, left-padded) run the baseline, DAMRO-full
// and DAMRO-outlier rows as one batched call per step: each row must get the logits and image attention it gets when
// run alone, and a step must read back only the attention rows and the last logits — the KV cache stays in ORT.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { topK } from '../../src/core/tensor/topk';
import type { DecoderRunner, RowSpec, StepOutput } from '../../src/engine/decode/runner';
import type { LoadedModel } from '../../src/engine/model';
import { configureHub } from '../../src/engine/runtime/hf';
import { ort } from '../../src/engine/runtime/ort';
import { makeGqaLlavaModel } from '../../src/factory/gqa/make-model';
import { SIZES } from '../../src/factory/llava/dims';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import { nodeLoader, runParams } from '../support/tiny-llava';

const root = mkdtempSync(join(tmpdir(), 'damro-fused-batch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const LAYOUTS = {
  GroupQueryAttention: () => makeGqaLlavaModel(),
  'GroupQueryAttention (sliding window on layer 0, softcap)': () =>
    makeGqaLlavaModel({ windows: [24, -1], softcap: 1 }),
  MultiHeadAttention: () => makeLlavaModel({ size: 'tiny', dtype: 'fp32', decoderAttention: 'fused-mha' }).files,
};

async function load(layout: keyof typeof LAYOUTS): Promise<{ model: LoadedModel; rows: RowSpec[] }> {
  const modelId = layout.replace(/\W+/g, '-').replace(/-$/, '');
  await writeModelFolder(join(root, modelId), LAYOUTS[layout]());
  configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
  const model = await nodeLoader(join(root, modelId))(modelId, 'fp32', () => {});
  const image = await model.encodeImage(runParams().image);
  const built = await model.buildRows('Describe the image.', image, Int32Array.from(topK(image.scores, 3)));
  // The outlier row's attention is read too (the engine does not show it), so the padded row's rows are checked.
  const outlier = { ...built.outlier!, imageSpan: { start: built.full.imageSpan!.start, length: 3 } };
  return { model, rows: [built.full, built.full, outlier] };
}

// ORT's typings hide the class behind its factory; the tests spy on the prototype every session shares.
const sessionPrototype = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

async function drive(runner: DecoderRunner, prefillRows: RowSpec[], steps: (number | null)[][]): Promise<StepOutput[]> {
  const outputs = [await runner.prefill(prefillRows)];
  for (const tokens of steps) outputs.push(await runner.step(tokens));
  await runner.dispose();
  return outputs;
}

describe.each(Object.keys(LAYOUTS) as (keyof typeof LAYOUTS)[])('batched %s decoder', (layout) => {
  it('gives every row the logits (1e-4) and image and text attention (1e-5) it gets alone, in one decoder call per step', async () => {
    const { model, rows } = await load(layout);
    expect(rows[2]!.length).toBeLessThan(rows[0]!.length);
    const tokens = [
      [20, 21, 21],
      [30, 40, 40],
      [25, 25, 26],
      [null, 7, 8],
    ];
    const run = vi.spyOn(sessionPrototype, 'run');
    const batched = await drive(model.createRunner(), rows, tokens);
    const decoderBatches = run.mock.calls
      .map((call) => call[0] as Record<string, ort.Tensor>)
      .filter((feeds: Record<string, ort.Tensor>) => 'past_key_values.0.key' in feeds)
      .map((feeds: Record<string, ort.Tensor>) => feeds.inputs_embeds!.dims[0]);
    // Two prefills (the shared full prompt once, the outlier prompt), then one 3-row call per step.
    expect(decoderBatches).toEqual([1, 1, 3, 3, 3, 3]);
    for (let r = 0; r < rows.length; r++) {
      const alone = await drive(
        model.createRunner(),
        [rows[r]!],
        tokens.filter((step) => step[r] !== null).map((step) => [step[r]!]),
      );
      alone.forEach((output, step) => {
        expect(maxDiff(batched[step]!.logits[r]!, output.logits[0]!), `row ${r} step ${step}`).toBeLessThan(1e-4);
        const [a, b] = [batched[step]!.attention[r], output.attention[0]];
        expect(maxDiff(a!, b!), `row ${r} step ${step} attention`).toBeLessThan(1e-5);
        // The text keys too: a right-padded row's padding must not be read as text.
        const [t, u] = [batched[step]!.text?.[r], output.text?.[0]];
        expect(t?.length, `row ${r} step ${step} text keys`).toBe(u?.length);
        if (t && u) expect(maxDiff(t, u), `row ${r} step ${step} text attention`).toBeLessThan(1e-5);
      });
    }
    await model.dispose();
  });
});

describe('bytes a fused decoder step reads back', () => {
  it('are the [rows, layers·heads, 1, keys] attention rows and the [rows, 1, vocab] last logits: no KV cache', async () => {
    const { model, rows } = await load('GroupQueryAttention');
    // Every decoder output is handed out behind a proxy that records the tensors whose data is read; feeds are
    // unwrapped so that ORT's own reads of its inputs do not count.
    const original = sessionPrototype.run;
    const unwrapped = new WeakMap<object, ort.Tensor>();
    let read = new Map<string, number>();
    vi.spyOn(sessionPrototype, 'run').mockImplementation(async function (
      this: ort.InferenceSession,
      feeds: Record<string, ort.Tensor>,
      ...rest: unknown[]
    ) {
      const plain = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, unwrapped.get(v) ?? v]));
      const outputs = await (original as (...args: unknown[]) => Promise<Record<string, ort.Tensor>>).call(
        this,
        plain,
        ...rest,
      );
      if (!('past_key_values.0.key' in feeds)) return outputs;
      return Object.fromEntries(
        Object.entries(outputs).map(([name, tensor]) => {
          const proxy = new Proxy(tensor, {
            get(target, key) {
              if (key === 'data' || key === 'getData') read.set(name, (target.data as Float32Array).byteLength);
              const value = Reflect.get(target, key, target) as unknown;
              return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
            },
          });
          unwrapped.set(proxy, tensor);
          return [name, proxy];
        }),
      );
    } as typeof original);

    const runner = model.createRunner();
    await runner.prefill(rows);
    const { layers, heads, vocabSize } = SIZES.tiny.text;
    let keys = rows[0]!.length;
    for (const token of [20, 30, 25]) {
      read = new Map();
      await runner.step([token, token, token + 1]);
      keys += 1;
      expect([...read.keys()].filter((name) => name.startsWith('present.'))).toEqual([]);
      expect([...read.values()].reduce((a, b) => a + b, 0)).toBe(3 * (layers * heads * keys + vocabSize) * 4);
    }
    await runner.dispose();
    await model.dispose();
  });
});
