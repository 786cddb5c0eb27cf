// Each compared method's hallucination evidence on the real tiny llavas (a batched decoder and a fused one read row
// by row): what eval/image records for a method's caption must be the measures of that method's main row decoded
// alone with the same tokens (teacher-forced from a fresh runner), although it was read from the one batched call
// every row shares; asking for evidence adds no decoder call. The ablation's row holds only the tokens it kept, so
// its measures are over those: no share on the outliers it removed, and the entropy of its own attention.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectOutliers } from '../../src/core/attention/outliers';
import { imageEntropy } from '../../src/core/attention/image-evidence';
import { stepMeasures } from '../../src/core/evidence/measures';
import { tokensWithout } from '../../src/core/methods/ablation';
import { METHODS, methodChoice } from '../../src/core/methods/registry';
import { decode } from '../../src/engine/decode/loop';
import type { DecoderRunner, RowSpec } from '../../src/engine/decode/runner';
import { answerImage } from '../../src/engine/eval/answer-image';
import { gatherTokens } from '../../src/engine/lab/image-tokens';
import { buildMethodLanes } from '../../src/engine/lab/method-lanes';
import type { EncodedImage, LoadedModel } from '../../src/engine/model';
import { configureHub } from '../../src/engine/runtime/hf';
import { makeGqaLlavaModel } from '../../src/factory/gqa/make-model';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import type { StepAttentionMeasures } from '../../src/protocol/evidence';
import type { ComparedMethod, ComparedMethodName, EvalImageParams } from '../../src/protocol/messages';
import { CAPTION_PROMPT, nodeLoader, testImage } from '../support/tiny-llava';

const MODELS = {
  'batched decoder': () => makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).files,
  'GroupQueryAttention decoder, row by row': () => makeGqaLlavaModel(),
};

const COMPARED: ComparedMethod[] = [
  { method: 'vcd', params: { ...METHODS.vcd.defaults } },
  { method: 'm3id', params: { ...METHODS.m3id.defaults } },
  { method: 'avisc', params: { ...METHODS.avisc.defaults } },
  { method: 'ablation', params: { k: 3 } },
];
const DAMRO = { alpha: 1, beta: 0.1, k: 2 };
const params = (evidence: boolean): EvalImageParams => ({
  jobId: 1,
  image: testImage(),
  items: [{ key: '1', prompt: CAPTION_PROMPT, seed: 7 }],
  damro: DAMRO,
  decoding: 'greedy',
  maxNewTokens: 10,
  evidence,
  methods: COMPARED,
});

/** Every decoder call a runner makes, and the distinct prompt rows its prefills ran. */
class CountingRunner implements DecoderRunner {
  constructor(
    private readonly inner: DecoderRunner,
    private readonly log: { calls: number; prompts: number },
  ) {}
  prefill(rows: readonly RowSpec[]) {
    this.log.calls++;
    this.log.prompts += new Set(rows).size;
    return this.inner.prefill(rows);
  }
  step(tokens: readonly (number | null)[]) {
    this.log.calls++;
    return this.inner.step(tokens);
  }
  dispose() {
    return this.inner.dispose();
  }
}

describe.each(Object.keys(MODELS) as (keyof typeof MODELS)[])("compared methods' evidence, %s", (kind) => {
  const root = mkdtempSync(join(tmpdir(), 'damro-method-evidence-'));
  let model: LoadedModel;
  let image: EncodedImage;
  const log = { calls: 0, prompts: 0 };
  let counted: LoadedModel;

  beforeAll(async () => {
    const dir = join(root, 'model');
    await writeModelFolder(dir, MODELS[kind]());
    configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
    model = await nodeLoader(dir)('model', 'fp32', () => undefined);
    image = await model.encodeImage(testImage());
    counted = {
      info: model.info,
      eosTokenIds: model.eosTokenIds,
      encodeImage: (input, options) => model.encodeImage(input, options),
      buildRows: (prompt, encoded, outliers) => model.buildRows(prompt, encoded, outliers),
      buildRow: (prompt, encoded, content) => model.buildRow(prompt, encoded, content),
      createRunner: () => new CountingRunner(model.createRunner(), log),
      detokenize: (ids) => model.detokenize(ids),
      dispose: () => model.dispose(),
    };
  }, 60_000);
  afterAll(async () => {
    await model.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  const answer = (evidence: boolean) =>
    answerImage({
      model: counted,
      params: params(evidence),
      signal: new AbortController().signal,
      encode: async () => image,
    });

  /** Each method's tokens as the shared loop chooses them (the input the teacher-forced oracle replays). */
  async function methodTokens(): Promise<Map<ComparedMethodName, number[]>> {
    const rows = await model.buildRows(CAPTION_PROMPT, image, Int32Array.from(selectOutliers(image.scores, DAMRO.k)));
    const lanes = await buildMethodLanes(
      {
        model,
        prompt: CAPTION_PROMPT,
        image,
        fullRow: rows.full,
        encode: (options) => model.encodeImage(testImage(), options),
      },
      COMPARED.map(methodChoice),
    );
    const ids = new Map<ComparedMethodName, number[]>(COMPARED.map((m) => [m.method, []]));
    const runner = model.createRunner();
    try {
      const plan = {
        captions: [],
        fullRow: rows.full,
        damro: DAMRO,
        decoding: { mode: 'greedy' },
        maxNewTokens: 10,
        eosTokenIds: model.eosTokenIds,
        inspectTop: 0,
        methods: lanes,
      } as const;
      for await (const event of decode(runner, plan, new AbortController().signal))
        if (event.type === 'method-token') ids.get(event.method)!.push(event.tokenId);
    } finally {
      await runner.dispose();
    }
    return ids;
  }

  /** The row's attention over its image tokens at each step, decoded alone on a fresh runner, fed `ids`. */
  async function aloneFrames(row: RowSpec, ids: readonly number[]): Promise<Float32Array[]> {
    const runner = model.createRunner();
    try {
      let output = await runner.prefill([row]);
      const frames: Float32Array[] = [];
      for (const [i, id] of ids.entries()) {
        frames.push(output.attention[0]!.slice());
        if (i < ids.length - 1) output = await runner.step([id]);
      }
      return frames;
    } finally {
      await runner.dispose();
    }
  }

  const expectClose = (actual: readonly number[], expected: readonly number[], what: string) => {
    expect(actual, what).toHaveLength(expected.length);
    actual.forEach((v, i) => expect(v, `${what}[${i}]`).toBeCloseTo(expected[i], 5));
  };
  const expectMeasures = (actual: StepAttentionMeasures, expected: StepAttentionMeasures, what: string) => {
    expectClose(actual.share, expected.share, `${what} share`);
    expectClose(actual.overlap, expected.overlap, `${what} overlap`);
    expectClose(actual.entropy, expected.entropy, `${what} entropy`);
  };

  it("records each method's own row's measures, as its row decoded alone gives them", async () => {
    const result = await answer(true);
    const [item] = result.answers;
    const evidence = item.evidence!;
    expect(Object.keys(evidence.captions)).toEqual(['baseline', 'damro', 'vcd', 'm3id', 'avisc', 'ablation']);
    const { layers, heads } = model.info.decoder;
    const outliers = selectOutliers(image.scores, DAMRO.k);
    expect(evidence.image.outliers).toEqual(outliers);
    const ids = await methodTokens();
    const full = (await model.buildRows(CAPTION_PROMPT, image)).full;
    for (const { method } of COMPARED) {
      const own = ids.get(method)!;
      expect(model.detokenize(own), method).toBe(item.outputs[method]);
      const recorded = evidence.captions[method]!;
      expect(recorded.steps, method).toHaveLength(own.length);
      expect(own.length, method).toBeGreaterThan(0);
      // Oracle for the step ends: the text of each prefix of the method's tokens.
      expect(recorded.stepEnds).toEqual(own.map((_, i) => model.detokenize(own.slice(0, i + 1)).length));
      if (method === 'ablation') continue;
      const frames = await aloneFrames(full, own);
      frames.forEach((frame, step) =>
        expectMeasures(recorded.steps[step], stepMeasures(frame, layers, heads, outliers), `${method} step ${step}`),
      );
    }

    // The ablation's row: the prompt with the 3 top outliers dropped, its attention over the 13 tokens it kept.
    const kept = tokensWithout(image.imageTokens, selectOutliers(image.scores, 3));
    expect(kept).toHaveLength(image.imageTokens - 3);
    const ablationRow = await model.buildRow(CAPTION_PROMPT, image, {
      embeds: gatherTokens(image, kept),
      count: kept.length,
      record: true,
    });
    const ablation = evidence.captions.ablation!;
    const frames = await aloneFrames(ablationRow, ids.get('ablation')!);
    frames.forEach((frame, step) => {
      const what = `ablation step ${step}`;
      expect(frame).toHaveLength(layers * heads * kept.length);
      // Per layer, the heads' mean over the kept tokens; the removed outliers hold nothing, so its share there
      // is 0 and its own top-2 image tokens (all among the kept) miss both outliers.
      const entropy = Array.from({ length: layers }, (_, layer) =>
        imageEntropy(
          Array.from({ length: kept.length }, (_, t) => {
            let sum = 0;
            for (let h = 0; h < heads; h++) sum += frame[(layer * heads + h) * kept.length + t];
            return sum / heads;
          }),
        ),
      );
      expectMeasures(
        ablation.steps[step],
        { share: Array(layers).fill(0), overlap: Array(layers).fill(0), entropy },
        what,
      );
    });
    // The baseline's row holds the outliers and gives them attention: the ablation's zero is no default.
    expect(evidence.captions.baseline.steps[0].share.every((s) => s > 0)).toBe(true);
  });

  it('adds no decoder call: the same calls and prefilled rows with evidence as without', async () => {
    log.calls = 0;
    log.prompts = 0;
    const plain = await answer(false);
    const without = { ...log };
    log.calls = 0;
    log.prompts = 0;
    const measured = await answer(true);
    expect(measured.answers[0].outputs).toEqual(plain.answers[0].outputs);
    expect(plain.answers[0].evidence).toBeUndefined();
    expect(log).toEqual(without);
    // One prefill per distinct prompt row: the full prompt (shared by the baseline, DAMRO's full branch and the
    // methods' main branches), DAMRO's outliers, VCD's, M3ID's and AvisC's contrasts, the ablation's main row; and
    // AvisC's own prefill of the full prompt to pick its blind tokens.
    expect(without.prompts).toBe(7);
  });
});
