// The compared methods (src/core/damro-spec.md §8) on the real tiny llavas through ONNX Runtime, with a batched
// decoder and with a fused (GroupQueryAttention) one that runs row by row: each method's branches are built as its
// paper says, zero strength reproduces the baseline, VCD's noise replays from its seed, and the baseline and every
// method advance in one decoder call per step.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blindTokens } from '../../src/core/methods/avisc';
import { METHODS, type MethodChoice } from '../../src/core/methods/registry';
import { topK } from '../../src/core/tensor/topk';
import { decode, type DecodeEvent, type DecodePlan } from '../../src/engine/decode/loop';
import type { DecoderRunner, RowSpec } from '../../src/engine/decode/runner';
import { buildMethodLanes, type LaneSources } from '../../src/engine/lab/method-lanes';
import type { EncodedImage, LoadedModel } from '../../src/engine/model';
import { makeGqaLlavaModel } from '../../src/factory/gqa/make-model';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import { configureHub } from '../../src/engine/runtime/hf';
import { CAPTION_PROMPT, nodeLoader, testImage } from '../support/tiny-llava';

const MODELS = {
  'batched decoder': () => makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).files,
  'GroupQueryAttention decoder, row by row': () => makeGqaLlavaModel(),
};

describe.each(Object.keys(MODELS) as (keyof typeof MODELS)[])('the method lab on a tiny llava, %s', (kind) => {
  const root = mkdtempSync(join(tmpdir(), 'damro-method-lab-'));
  let model: LoadedModel;
  let image: EncodedImage;
  let fullRow: RowSpec;
  let visionPasses = 0;

  beforeAll(async () => {
    const dir = join(root, 'model');
    await writeModelFolder(dir, MODELS[kind]());
    configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
    model = await nodeLoader(dir)('model', 'fp32', () => undefined);
    image = await model.encodeImage(testImage());
    fullRow = (await model.buildRows(CAPTION_PROMPT, image)).full;
  }, 60_000);
  afterAll(async () => {
    await model.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  const sources = (): LaneSources => ({
    model,
    prompt: CAPTION_PROMPT,
    image,
    fullRow,
    encode: (options) => (visionPasses++, model.encodeImage(testImage(), options)),
  });

  /** Counts decoder calls, so a test can see one call per step for all rows together. */
  class CountingRunner implements DecoderRunner {
    prefills: number[] = [];
    steps = 0;
    constructor(private readonly inner: DecoderRunner) {}
    prefill(rows: readonly RowSpec[]) {
      this.prefills.push(rows.length);
      return this.inner.prefill(rows);
    }
    step(tokens: readonly (number | null)[]) {
      this.steps++;
      return this.inner.step(tokens);
    }
    dispose() {
      return this.inner.dispose();
    }
  }

  async function run(choices: readonly MethodChoice[], overrides: Partial<DecodePlan> = {}) {
    const methods = await buildMethodLanes(sources(), choices);
    const runner = new CountingRunner(model.createRunner());
    const events: DecodeEvent[] = [];
    try {
      const plan: DecodePlan = {
        captions: ['baseline'],
        fullRow,
        damro: { alpha: 1, beta: 0.1, k: 2 },
        decoding: { mode: 'greedy' },
        maxNewTokens: 8,
        eosTokenIds: model.eosTokenIds,
        inspectTop: 0,
        methods,
        ...overrides,
      };
      for await (const event of decode(runner, plan, new AbortController().signal)) events.push(event);
    } finally {
      await runner.dispose();
    }
    const tokens = (name: string) =>
      events.flatMap((e) =>
        (e.type === 'token' && e.caption === name) || (e.type === 'method-token' && e.method === name)
          ? [e.tokenId]
          : [],
      );
    return { events, tokens, runner, methods };
  }

  const hidden = () => image.hidden;
  const span = () => fullRow.imageSpan!;
  /** The full row's embedding of position p. */
  const position = (row: RowSpec, p: number) => row.embeds.subarray(p * hidden(), (p + 1) * hidden());

  describe('each method’s contrast branch, built by the engine', () => {
    it('M3ID: the same prompt with the image tokens cut out', async () => {
      const [lane] = await buildMethodLanes(sources(), [{ method: 'm3id', params: METHODS.m3id.defaults }]);
      const { start, length } = span();
      const contrast = lane.contrastRow!;
      expect(contrast.length).toBe(fullRow.length - length);
      const expected = new Float32Array(contrast.length * hidden());
      expected.set(fullRow.embeds.subarray(0, start * hidden()));
      expected.set(fullRow.embeds.subarray((start + length) * hidden(), fullRow.length * hidden()), start * hidden());
      expect(contrast.embeds).toEqual(expected);
      expect(lane.mainRow).toBe(fullRow);
    });

    it('the ablation: the full row without the k top-scored image tokens, the rest in order', async () => {
      const [lane] = await buildMethodLanes(sources(), [{ method: 'ablation', params: { k: 3 } }]);
      const removed = new Set(topK(image.scores, 3).map((t) => span().start + t));
      const keptPositions = Array.from({ length: fullRow.length }, (_, p) => p).filter((p) => !removed.has(p));
      expect(lane.mainRow.length).toBe(fullRow.length - 3);
      keptPositions.forEach((p, i) => expect(position(lane.mainRow, i)).toEqual(position(fullRow, p)));
      expect(lane.contrastRow).toBeUndefined();
    });

    it('AvisC: every image token zeroed but the blind ones, chosen from the full prompt’s decoder attention', async () => {
      // Independent source of the attention: the baseline's first streamed frame is the same prefill's last position.
      const { events } = await run([], { maxNewTokens: 1 });
      const frame = events.find((e) => e.type === 'attention');
      if (frame?.type !== 'attention') throw new Error('no attention frame');
      const { layers, heads } = model.info.decoder;
      const { blind } = blindTokens(frame.data, { layers, heads, tokens: image.imageTokens }, METHODS.avisc.defaults);
      expect(blind.length).toBeGreaterThan(0);
      expect(blind.length).toBeLessThan(image.imageTokens);

      const [lane] = await buildMethodLanes(sources(), [{ method: 'avisc', params: METHODS.avisc.defaults }]);
      const contrast = lane.contrastRow!;
      expect(contrast.length).toBe(fullRow.length);
      const blindSet = new Set(blind);
      for (let p = 0; p < fullRow.length; p++) {
        const token = p - span().start;
        const isImage = token >= 0 && token < image.imageTokens;
        const expected = isImage && !blindSet.has(token) ? new Float32Array(hidden()) : position(fullRow, p);
        expect(position(contrast, p)).toEqual(expected);
      }
    });

    it('VCD: a second vision pass over seeded noised pixels; the same seed replays it, another does not', async () => {
      const before = visionPasses;
      const build = (noiseSeed: number) =>
        buildMethodLanes(sources(), [{ method: 'vcd', params: { ...METHODS.vcd.defaults, noiseSeed } }]);
      const [a] = await build(42);
      const [b] = await build(42);
      const [c] = await build(7);
      expect(visionPasses - before).toBe(3);
      expect(a.contrastRow!.length).toBe(fullRow.length);
      expect(a.contrastRow!.embeds).toEqual(b.contrastRow!.embeds);
      expect(a.contrastRow!.embeds).not.toEqual(c.contrastRow!.embeds);
      expect(a.contrastRow!.embeds).not.toEqual(fullRow.embeds.subarray(0, fullRow.length * hidden()));
      // Only the image span differs: the text around it is the same prompt.
      const { start } = span();
      expect(position(a.contrastRow!, start - 1)).toEqual(position(fullRow, start - 1));
    });
  });

  describe('one loop for the baseline and every method', () => {
    const zero: MethodChoice[] = [
      { method: 'damro', params: { ...METHODS.damro.defaults, alpha: 0, k: 3 } },
      { method: 'vcd', params: { ...METHODS.vcd.defaults, alpha: 0 } },
      { method: 'm3id', params: { ...METHODS.m3id.defaults, lambda: 0 } },
      { method: 'avisc', params: { ...METHODS.avisc.defaults, alpha: 0 } },
    ];

    it('at zero strength (α = 0; M3ID’s λ = 0) every contrast method reproduces the baseline caption', async () => {
      const { tokens } = await run(zero);
      const baseline = tokens('baseline');
      expect(baseline.length).toBeGreaterThan(0);
      for (const { method } of zero) expect(tokens(method), method).toEqual(baseline);
    });

    it('at the papers’ defaults each method decodes its own caption, all in one decoder call per step', async () => {
      const choices: MethodChoice[] = [
        { method: 'damro', params: { ...METHODS.damro.defaults, k: 3 } },
        { method: 'vcd', params: METHODS.vcd.defaults },
        { method: 'm3id', params: METHODS.m3id.defaults },
        { method: 'avisc', params: METHODS.avisc.defaults },
        { method: 'ablation', params: { k: 3 } },
      ];
      const { tokens, runner, events } = await run(choices);
      // Rows: baseline, then main + contrast per method (the ablation has no contrast): 1 + 2·4 + 1.
      expect(runner.prefills).toEqual([10]);
      const steps = Math.max(...events.flatMap((e) => ('step' in e && e.type !== 'step' ? [e.step] : [])));
      expect(runner.steps).toBe(steps);
      for (const { method } of choices) expect(tokens(method).length, method).toBeGreaterThan(0);
      expect(events.filter((e) => e.type === 'method-done').map((e) => e.type === 'method-done' && e.method)).toEqual(
        choices.map((c) => c.method),
      );
    });

    it('at strength the contrast changes the caption (so the zero-strength test above can fail)', async () => {
      const strong: MethodChoice[] = [
        { method: 'damro', params: { ...METHODS.damro.defaults, k: 3 } },
        { method: 'vcd', params: METHODS.vcd.defaults },
        // λ = 0.02 weighs the contrast by only 0.02–0.17 over eight tokens; λ = 1 makes it 1.7 from the first.
        { method: 'm3id', params: { ...METHODS.m3id.defaults, lambda: 1 } },
        { method: 'avisc', params: METHODS.avisc.defaults },
      ];
      const { tokens } = await run(strong);
      for (const { method } of strong) expect(tokens(method), method).not.toEqual(tokens('baseline'));
    });

    it('the ablation decodes exactly as a baseline over its own row would', async () => {
      const { tokens, methods } = await run([{ method: 'ablation', params: { k: 3 } }]);
      const alone = await run([], { fullRow: methods[0].mainRow });
      expect(tokens('ablation')).toEqual(alone.tokens('baseline'));
    });
  });
});
