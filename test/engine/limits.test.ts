// Settings at the edge of what the model allows, on the real engine and the tiny synthetic llava (128 positions):
// max new tokens past the position limit stop there with a stated reason instead of crashing in Gather, and
// β = 0 keeps every token.
import { describe, expect, it, vi } from 'vitest';
import { RawImage } from '../../src/engine/runtime/hf';
import type { WorkerEvent } from '../../src/protocol/messages';
import { runParams, runToEnd, testImage, useTinyEngine } from '../support/tiny-llava';

const tiny = useTinyEngine();
const POSITIONS = 128;

const done = (run: WorkerEvent[]) =>
  run.flatMap((e) => (e.type === 'run/done' ? [{ caption: e.caption, reason: e.reason, tokens: e.tokens }] : []));

describe('the engine at the model’s limits', () => {
  it('reports the position limit of config.json', async () => {
    const info = await tiny.engine['model/load']({ modelId: tiny.folder.modelId, dtype: 'fp32' });
    expect(info.decoder.maxPositions).toBe(POSITIONS);
  });

  it('an interactive run asking 300 new tokens stops each caption at the last position, with that reason', async () => {
    // Sampling keeps the random-weight model from settling on EOS; each caption must end by EOS or at the limit.
    const run = await runToEnd(
      tiny.engine,
      tiny.events,
      runParams({ maxNewTokens: 300, decoding: { mode: 'sample', seed: 7, temperature: 1, topP: 1 } }),
    );
    const ends = done(run);
    expect(ends.map((e) => e.caption).sort()).toEqual(['baseline', 'damro']);
    for (const end of ends) expect(['eos', 'position-limit']).toContain(end.reason);
    expect(
      ends.some((e) => e.reason === 'position-limit'),
      JSON.stringify(ends),
    ).toBe(true);
    // The prompt (text and 16 image tokens) plus the tokens fed after it fit the 128 positions.
    const limited = ends.find((e) => e.reason === 'position-limit')!;
    expect(limited.tokens).toBeGreaterThan(POSITIONS - 16 - 60);
    expect(limited.tokens).toBeLessThan(POSITIONS - 16);
  });

  it('a benchmark call with the POPE preset’s 1024 new tokens answers instead of crashing', async () => {
    const result = await tiny.engine['eval/image']({
      jobId: 1,
      image: testImage(),
      items: [{ key: '1', prompt: 'Is there a dog in the image?', seed: 42 }],
      damro: { alpha: 1, beta: 0.1, k: 2 },
      decoding: 'sample',
      maxNewTokens: 1024,
    });
    expect(result.answers).toHaveLength(1);
    expect(result.answers[0]!.tokens.baseline).toBeLessThan(POSITIONS);
  });

  it('β = 0 runs, and keeps every token at every DAMRO step (cutoff −∞)', async () => {
    const run = await runToEnd(
      tiny.engine,
      tiny.events,
      runParams({ maxNewTokens: 4, damro: { alpha: 1, beta: 0, k: 2 } }),
    );
    const steps = run.flatMap((e) => (e.type === 'run/step' ? [e] : []));
    expect(steps.length).toBeGreaterThan(0);
    const info = await tiny.engine['model/load']({ modelId: tiny.folder.modelId, dtype: 'fp32' });
    for (const step of steps) expect([step.cutoff, step.kept]).toEqual([-Infinity, info.decoder.vocabSize]);
  });

  it('an image-library failure while preprocessing is a bad-image error, not “ONNX Runtime failed”', async () => {
    // transformers.js resizes with sharp in Node and a canvas in browsers; either can refuse an image.
    const resize = vi
      .spyOn(RawImage.prototype, 'resize')
      .mockRejectedValue(new Error('Input image exceeds pixel limit'));
    try {
      // An image this engine has not encoded yet, so the vision pass (and the processor) really runs.
      await expect(
        runToEnd(tiny.engine, tiny.events, runParams({ image: testImage(40, 40), maxNewTokens: 2 })),
      ).rejects.toThrow(
        'bad-image: The image processor could not prepare this 40×40 image (Input image exceeds pixel limit). Try another image, or save it as PNG or JPEG.',
      );
    } finally {
      resize.mockRestore();
    }
  });
});
