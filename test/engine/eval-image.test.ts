// 'eval/image' on the tiny synthetic llava in Node: each answer must be what an interactive run with the same
// prompt and seed produces (the oracle: the run path the visualiser uses), with one vision pass per image.
import { describe, expect, it } from 'vitest';
import { stepMeasures } from '../../src/core/evidence/measures';
import { METHODS } from '../../src/core/methods/registry';
import type { ComparedMethod, EvalImageParams, WorkerEvent } from '../../src/protocol/messages';
import { runParams, runToEnd, testImage, useTinyEngine } from '../support/tiny-llava';

const tiny = useTinyEngine();

const PROMPTS = [
  'Is there a snowboard in the image? Please answer this question with one word.',
  'Is there a car in the image? Please answer this question with one word.',
];
const textOf = (run: WorkerEvent[], caption: 'baseline' | 'damro') =>
  run.flatMap((e) => (e.type === 'run/token' && e.caption === caption ? [e.text] : [])).join('');

function params(overrides: Partial<EvalImageParams> = {}): EvalImageParams {
  return {
    jobId: 1,
    image: testImage(),
    items: PROMPTS.map((prompt, i) => ({ key: String(i + 1), prompt, seed: 1000 + i })),
    damro: { alpha: 2, beta: 0.1, k: 2 },
    decoding: 'sample',
    maxNewTokens: 8,
    ...overrides,
  };
}

describe('eval/image', () => {
  it('answers every question of an image like interactive runs with the same prompt and seed, after one vision pass, telling each token as it comes', async () => {
    const before = tiny.visionPasses();
    const seen = tiny.events.length;
    const result = await tiny.engine['eval/image'](params({ image: testImage(40, 48), jobId: 7 }));
    expect(tiny.visionPasses() - before).toBe(1);
    // Each chosen token was told as it came: per question and caption, the counts 1, 2, … up to the answer's.
    const streamed = tiny.events.slice(seen).filter((e) => e.type === 'eval/token');
    for (const answer of result.answers)
      for (const caption of ['baseline', 'damro'] as const)
        expect(
          streamed.filter((e) => e.key === answer.key && e.caption === caption && e.jobId === 7).map((e) => e.tokens),
        ).toEqual(Array.from({ length: answer.tokens[caption] }, (_, i) => i + 1));
    expect(streamed.length).toBe(result.answers.reduce((n, a) => n + a.tokens.baseline + a.tokens.damro, 0));
    expect(result.cancelled).toBe(false);
    expect(result.answers.map((a) => a.key)).toEqual(['1', '2']);
    for (const [i, answer] of result.answers.entries()) {
      const run = await runToEnd(
        tiny.engine,
        tiny.events,
        runParams({
          image: testImage(40, 48),
          prompt: PROMPTS[i],
          damro: { alpha: 2, beta: 0.1, k: 2 },
          decoding: { mode: 'sample', seed: 1000 + i, temperature: 1, topP: 1 },
          maxNewTokens: 8,
        }),
      );
      expect(answer.outputs).toEqual({ baseline: textOf(run, 'baseline'), damro: textOf(run, 'damro') });
      expect(answer.tokens.baseline).toBe(run.filter((e) => e.type === 'run/token' && e.caption === 'baseline').length);
    }
    expect(result.answers[0].outputs.baseline.length).toBeGreaterThan(0);
    // The interactive runs reused the eval's vision pass.
    expect(tiny.visionPasses() - before).toBe(1);
  });

  it("measures each token's attention on request exactly as the interactive run's full detail gives it, captions unchanged", async () => {
    const plain = await tiny.engine['eval/image'](params({ items: params().items.slice(0, 1) }));
    const result = await tiny.engine['eval/image'](params({ items: params().items.slice(0, 1), evidence: true }));
    expect(plain.answers[0].evidence).toBeUndefined();
    const [answer] = result.answers;
    expect(answer.outputs).toEqual(plain.answers[0].outputs);
    const run = await runToEnd(
      tiny.engine,
      tiny.events,
      runParams({
        prompt: PROMPTS[0],
        damro: { alpha: 2, beta: 0.1, k: 2 },
        decoding: { mode: 'sample', seed: 1000, temperature: 1, topP: 1 },
        maxNewTokens: 8,
      }),
    );
    const outliers = run.find((e) => e.type === 'run/outliers')!;
    if (outliers.type !== 'run/outliers') throw new Error('no outliers');
    const evidence = answer.evidence!;
    expect(evidence.image.outliers).toEqual([...outliers.indices]);
    expect(evidence.image.scores).toEqual([...outliers.scores]);
    // The interactive run sends the same norms (as float32) with its outliers.
    expect(Float32Array.from(evidence.image.norms)).toEqual(outliers.norms);
    expect(evidence.image.norms).toHaveLength(16);
    expect(evidence.image.grid).toEqual({ rows: 4, cols: 4 });
    const { layers, heads } = { layers: 2, heads: 4 };
    for (const caption of ['baseline', 'damro'] as const) {
      const pieces = run.flatMap((e) => (e.type === 'run/token' && e.caption === caption ? [e.text] : []));
      // Oracle for the step ends: the interactive run's streamed text pieces, summed.
      expect(evidence.captions[caption].stepEnds).toEqual(pieces.map((_, i) => pieces.slice(0, i + 1).join('').length));
      expect(evidence.captions[caption].steps).toHaveLength(pieces.length);
      for (const [step, measures] of evidence.captions[caption].steps.entries()) {
        const detail = await tiny.engine['attn/detail']({ runId: outliers.runId, caption, step });
        expect(detail.dims).toEqual([layers, heads, 16]);
        expect(measures).toEqual(stepMeasures(detail.data, layers, heads, [...outliers.indices]));
      }
    }
  });

  it('decodes greedily on request, independent of the seed', async () => {
    const a = await tiny.engine['eval/image'](params({ decoding: 'greedy' }));
    const b = await tiny.engine['eval/image'](
      params({ decoding: 'greedy', items: params().items.map((item) => ({ ...item, seed: 7 })) }),
    );
    expect(a.answers.map((x) => x.outputs)).toEqual(b.answers.map((x) => x.outputs));
    const run = await runToEnd(
      tiny.engine,
      tiny.events,
      runParams({ prompt: PROMPTS[0], damro: { alpha: 2, beta: 0.1, k: 2 }, maxNewTokens: 8 }),
    );
    expect(a.answers[0].outputs.damro).toBe(textOf(run, 'damro'));
  });

  it('stops on eval/cancel and returns the questions finished before it', async () => {
    // More questions than could finish before the next macrotask.
    const pending = tiny.engine['eval/image'](
      params({
        jobId: 9,
        items: Array.from({ length: 100 }, (_, i) => ({ key: String(i), prompt: PROMPTS[0], seed: i })),
        maxNewTokens: 64,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await tiny.engine['eval/cancel']({ jobId: 9 })).toEqual({ cancelled: true });
    const result = await pending;
    expect(result.cancelled).toBe(true);
    expect(result.answers.length).toBeLessThan(100);
    expect(result.answers.map((a) => a.key)).toEqual(
      Array.from({ length: result.answers.length }, (_, i) => String(i)),
    );
    expect(await tiny.engine['eval/cancel']({ jobId: 9 })).toEqual({ cancelled: false });
  });

  it('refuses empty prompts and a k the model cannot give, with reasons', async () => {
    await expect(tiny.engine['eval/image'](params({ items: [{ key: 'x', prompt: ' ', seed: 1 }] }))).rejects.toThrow(
      /question x has an empty prompt/,
    );
    await expect(tiny.engine['eval/image'](params({ damro: { alpha: 2, beta: 0.1, k: 99 } }))).rejects.toThrow(
      /k must be between 1 and the 16 image tokens/,
    );
  });
});

describe('eval/image with compared methods', () => {
  const methods: ComparedMethod[] = [
    { method: 'vcd', params: { ...METHODS.vcd.defaults } },
    { method: 'ablation', params: { k: 2 } },
  ];
  const methodText = (run: WorkerEvent[], method: string) =>
    run.flatMap((e) => (e.type === 'run/method-token' && e.method === method ? [e.text] : [])).join('');

  it("answers each method like an interactive run comparing it, after one vision pass plus VCD's noised one", async () => {
    const image = testImage(44, 40);
    const plain = await tiny.engine['eval/image'](params({ image }));
    const before = tiny.visionPasses();
    const result = await tiny.engine['eval/image'](params({ image, methods }));
    // The clean pass is cached from the plain call; both items share the one noised pass.
    expect(tiny.visionPasses() - before).toBe(1);
    for (const [i, answer] of result.answers.entries()) {
      expect(Object.keys(answer.outputs)).toEqual(['baseline', 'damro', 'vcd', 'ablation']);
      // The captions do not depend on the methods beside them.
      expect({ baseline: answer.outputs.baseline, damro: answer.outputs.damro }).toEqual(plain.answers[i].outputs);
      const run = await runToEnd(
        tiny.engine,
        tiny.events,
        runParams({
          image,
          prompt: PROMPTS[i],
          damro: { alpha: 2, beta: 0.1, k: 2 },
          decoding: { mode: 'sample', seed: 1000 + i, temperature: 1, topP: 1 },
          maxNewTokens: 8,
          methods,
        }),
      );
      expect(answer.outputs.vcd).toBe(methodText(run, 'vcd'));
      expect(answer.outputs.ablation).toBe(methodText(run, 'ablation'));
      expect(answer.tokens.vcd).toBe(run.filter((e) => e.type === 'run/method-token' && e.method === 'vcd').length);
    }
    expect(result.answers.map((a) => a.outputs.ablation)).not.toEqual(result.answers.map((a) => a.outputs.baseline));
  });

  it('refuses DAMRO as a compared method: its column is the DAMRO caption', async () => {
    await expect(
      tiny.engine['eval/image'](params({ methods: [{ method: 'damro', params: { alpha: 1, beta: 0.1, k: 2 } }] })),
    ).rejects.toThrow(/DAMRO always runs/);
  });
});
