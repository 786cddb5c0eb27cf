// 'eval/image' on the tiny synthetic llava in Node: each answer must be what an interactive run with the same
// prompt and seed produces (the oracle: the run path the visualiser uses), with one vision pass per image.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineApi } from '../../src/engine/engine';
import type { EvalImageParams, WorkerEvent } from '../../src/protocol/messages';
import { nodeEngine, runParams, runToEnd, testImage, tinyLlavaFolder } from '../support/tiny-llava';

let folder: Awaited<ReturnType<typeof tinyLlavaFolder>>;
let engine: EngineApi;
let events: WorkerEvent[];
let visionPasses: () => number;

beforeAll(async () => {
  folder = await tinyLlavaFolder();
  ({ engine, events, visionPasses } = nodeEngine(folder.dir));
  await engine['model/load']({ modelId: folder.modelId, dtype: 'fp32' });
});
afterAll(() => rmSync(folder.root, { recursive: true, force: true }));

const PROMPTS = ['Is there a snowboard in the image? Please answer this question with one word.', 'Is there a car in the image? Please answer this question with one word.'];
const textOf = (run: WorkerEvent[], caption: 'baseline' | 'damro') => run.flatMap((e) => (e.type === 'run/token' && e.caption === caption ? [e.text] : [])).join('');

function params(overrides: Partial<EvalImageParams> = {}): EvalImageParams {
  return { jobId: 1, image: testImage(), items: PROMPTS.map((prompt, i) => ({ key: String(i + 1), prompt, seed: 1000 + i })), damro: { alpha: 2, beta: 0.1, k: 2 }, decoding: 'sample', maxNewTokens: 8, ...overrides };
}

describe('eval/image', () => {
  it('answers every question of an image like interactive runs with the same prompt and seed, after one vision pass', async () => {
    const before = visionPasses();
    const result = await engine['eval/image'](params({ image: testImage(40, 48) }));
    expect(visionPasses() - before).toBe(1);
    expect(result.cancelled).toBe(false);
    expect(result.answers.map((a) => a.key)).toEqual(['1', '2']);
    for (const [i, answer] of result.answers.entries()) {
      const run = await runToEnd(engine, events, runParams({ image: testImage(40, 48), prompt: PROMPTS[i], damro: { alpha: 2, beta: 0.1, k: 2 }, decoding: { mode: 'sample', seed: 1000 + i, temperature: 1, topP: 1 }, maxNewTokens: 8 }));
      expect(answer.outputs).toEqual({ baseline: textOf(run, 'baseline'), damro: textOf(run, 'damro') });
      expect(answer.tokens.baseline).toBe(run.filter((e) => e.type === 'run/token' && e.caption === 'baseline').length);
    }
    expect(result.answers[0].outputs.baseline.length).toBeGreaterThan(0);
    // The interactive runs reused the eval's vision pass.
    expect(visionPasses() - before).toBe(1);
  });

  it('decodes greedily on request, independent of the seed', async () => {
    const a = await engine['eval/image'](params({ decoding: 'greedy' }));
    const b = await engine['eval/image'](params({ decoding: 'greedy', items: params().items.map((item) => ({ ...item, seed: 7 })) }));
    expect(a.answers.map((x) => x.outputs)).toEqual(b.answers.map((x) => x.outputs));
    const run = await runToEnd(engine, events, runParams({ prompt: PROMPTS[0], damro: { alpha: 2, beta: 0.1, k: 2 }, maxNewTokens: 8 }));
    expect(a.answers[0].outputs.damro).toBe(textOf(run, 'damro'));
  });

  it('stops on eval/cancel and returns the questions finished before it', async () => {
    // More questions than could finish before the next macrotask.
    const pending = engine['eval/image'](params({ jobId: 9, items: Array.from({ length: 100 }, (_, i) => ({ key: String(i), prompt: PROMPTS[0], seed: i })), maxNewTokens: 64 }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await engine['eval/cancel']({ jobId: 9 })).toEqual({ cancelled: true });
    const result = await pending;
    expect(result.cancelled).toBe(true);
    expect(result.answers.length).toBeLessThan(100);
    expect(result.answers.map((a) => a.key)).toEqual(Array.from({ length: result.answers.length }, (_, i) => String(i)));
    expect(await engine['eval/cancel']({ jobId: 9 })).toEqual({ cancelled: false });
  });

  it('refuses empty prompts and a k the model cannot give, with reasons', async () => {
    await expect(engine['eval/image'](params({ items: [{ key: 'x', prompt: ' ', seed: 1 }] }))).rejects.toThrow(/question x has an empty prompt/);
    await expect(engine['eval/image'](params({ damro: { alpha: 2, beta: 0.1, k: 99 } }))).rejects.toThrow(/k must be between 1 and the 16 image tokens/);
  });
});
