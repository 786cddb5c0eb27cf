// The real engine (adapter, taps, batched ORT runner, decode loop) on the synthetic tiny llava in Node, against
// independent oracles: transformers.js generate(), unbatched runs, and the spec's α = 0 property.
import { describe, expect, it } from 'vitest';
import {
  runParams,
  runToEnd,
  testImage,
  transformersGreedyTokens,
  useTinyEngine,
  tokensOf,
} from '../support/tiny-llava';

const tiny = useTinyEngine();

describe('engine on the tiny synthetic llava', () => {
  it('loads with the faithful CLS score and the model’s grid, reporting per-file progress', () => {
    const progress = tiny.events.filter((e) => e.type === 'load/progress');
    expect(progress.map((e) => e.type === 'load/progress' && e.file)).toEqual(
      expect.arrayContaining([
        'config.json',
        'onnx/vision_encoder.onnx',
        'onnx/embed_tokens.onnx',
        'onnx/decoder_model_merged.onnx',
      ]),
    );
  });

  it('greedy baseline is token-identical to transformers.js generate()', async () => {
    const run = await runToEnd(tiny.engine, tiny.events, runParams({ captions: ['baseline'] }));
    const expected = await transformersGreedyTokens(tiny.folder.root, tiny.folder.modelId);
    expect(tokensOf(run, 'baseline')).toEqual(expected);
    expect(expected.length).toBeGreaterThan(3);
  });

  it('with α = 0 the DAMRO caption equals the baseline; with α > 0 DAMRO changes it', async () => {
    const same = await runToEnd(tiny.engine, tiny.events, runParams({ damro: { alpha: 0, beta: 0.1, k: 2 } }));
    expect(tokensOf(same, 'damro')).toEqual(tokensOf(same, 'baseline'));
    const contrasted = await runToEnd(tiny.engine, tiny.events, runParams({ damro: { alpha: 3, beta: 0.1, k: 2 } }));
    expect(contrasted.some((e) => e.type === 'run/step' && e.changed)).toBe(true);
    expect(tokensOf(contrasted, 'damro')).not.toEqual(tokensOf(contrasted, 'baseline'));
  });

  it('streams outliers, tokens with text, attention frames on the token grid, and full detail over the image and the text on request', async () => {
    const run = await runToEnd(tiny.engine, tiny.events, runParams());
    const outliers = run.find((e) => e.type === 'run/outliers');
    if (outliers?.type !== 'run/outliers') throw new Error('no outliers event');
    expect(outliers.grid).toEqual({ rows: 4, cols: 4 });
    expect(outliers.scores).toHaveLength(16);
    expect(outliers.scorer).toMatchObject({ name: 'clip-single-head', faithful: true });
    // The synthetic tower plants two high-norm outliers that take most of the CLS attention.
    const [first, second] = Array.from(outliers.indices);
    expect(outliers.scores[first] + outliers.scores[second]).toBeGreaterThan(0.5);

    const frames = run.filter((e) => e.type === 'run/attention');
    const tokens = run.filter((e) => e.type === 'run/token');
    expect(frames.length).toBe(tokens.length);
    for (const frame of frames) {
      if (frame.type !== 'run/attention') continue;
      expect(frame.values).toHaveLength(16);
      expect(frame.outlierShare).toBeGreaterThanOrEqual(0);
      expect(frame.outlierShare).toBeLessThanOrEqual(1);
    }
    const text = tokens.map((e) => (e.type === 'run/token' && e.caption === 'baseline' ? e.text : '')).join('');
    expect(text.trim().split(/\s+/).length).toBeGreaterThan(2);

    const detail = await tiny.engine['attn/detail']({ runId: outliers.runId, caption: 'damro', step: 0 });
    expect(detail.dims).toEqual([2, 4, 16]);
    // Each head's attention over the image tokens is part of a softmax row: positive, and at most 1 in total.
    for (let lh = 0; lh < 8; lh++) {
      const row = detail.data.subarray(lh * 16, (lh + 1) * 16);
      const mass = row.reduce((a, b) => a + b, 0);
      expect(mass).toBeGreaterThan(0);
      expect(mass).toBeLessThanOrEqual(1 + 1e-5);
    }
    // The text keys: LLaVA's template "USER: <image>\n{prompt} ASSISTANT:" without its image tokens, as the
    // synthetic word-level vocabulary spells it, then the caption's tokens before the one asked about.
    const prompt = [
      '<s>',
      'user',
      ':',
      'generate',
      'a',
      'short',
      'caption',
      'of',
      'this',
      'image',
      '.',
      'assistant',
      ':',
    ];
    const damroSteps = tokens.filter((e) => e.type === 'run/token' && e.caption === 'damro').length;
    expect(damroSteps).toBeGreaterThan(3);
    for (const step of [0, 3, damroSteps - 1]) {
      const { data, text } = await tiny.engine['attn/detail']({ runId: outliers.runId, caption: 'damro', step });
      expect(text).toMatchObject({ dims: [2, 4, prompt.length + step], prompt, imageAt: 3 });
      // Image keys and text keys together are every key the token saw: each head's softmax row sums to 1.
      const keys = prompt.length + step;
      for (let lh = 0; lh < 8; lh++) {
        const onImage = data.subarray(lh * 16, (lh + 1) * 16).reduce((a, b) => a + b, 0);
        const onText = text!.data.subarray(lh * keys, (lh + 1) * keys).reduce((a, b) => a + b, 0);
        expect(onImage + onText, `step ${step} layer·head ${lh}`).toBeCloseTo(1, 5);
      }
    }
  });

  it('reuses the vision pass when the same image runs again', async () => {
    const other = testImage();
    if (other.kind !== 'rgba') throw new Error('unreachable');
    other.data[0] ^= 0xff;
    const before = tiny.visionPasses();
    await runToEnd(tiny.engine, tiny.events, runParams({ maxNewTokens: 2, image: other }));
    await runToEnd(
      tiny.engine,
      tiny.events,
      runParams({ maxNewTokens: 2, image: other, damro: { alpha: 0.5, beta: 0.2, k: 3 } }),
    );
    expect(tiny.visionPasses() - before).toBe(1);
    await runToEnd(tiny.engine, tiny.events, runParams({ maxNewTokens: 2 }));
    expect(tiny.visionPasses() - before).toBe(2);
  });
});
