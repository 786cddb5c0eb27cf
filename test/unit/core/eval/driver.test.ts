import { describe, expect, it } from 'vitest';
import type { Outputs } from '../../../../src/core/eval/answers';
import type { EvalItem } from '../../../../src/core/eval/benchmark';
import { driveEval, type EvalEngine } from '../../../../src/core/eval/driver';
import { locateImages } from '../../../../src/core/eval/images';
import { itemSeed, paperPreset } from '../../../../src/core/eval/presets';
import type { Progress } from '../../../../src/core/eval/progress';
import type { EvalImageParams } from '../../../../src/protocol/messages';

const items: EvalItem[] = ['a', 'a', 'b', 'b', 'c'].map((image, i) => ({
  key: String(i + 1),
  image: `${image}.png`,
  prompt: `question ${i + 1}`,
}));
const settings = paperPreset('pope').settings;

function harness(options: { pauseAfter?: number; cancelDuring?: number } = {}) {
  const calls: EvalImageParams[] = [];
  const saved: { key: string; outputs: Outputs }[] = [];
  const progress: Progress[] = [];
  let cancelled = false;
  let clock = 0;
  const engine: EvalEngine = {
    async answerImage(params) {
      calls.push(params);
      // The engine stops after the first question of the image it is cancelled during.
      const asked = calls.length === options.cancelDuring ? params.items.slice(0, 1) : params.items;
      if (calls.length === options.cancelDuring) cancelled = true;
      clock += 100 * asked.length;
      return {
        answers: asked.map(({ key }) => ({
          key,
          outputs: { baseline: `b${key}`, damro: `d${key}` },
          tokens: { baseline: 1, damro: 1 },
        })),
        cancelled: calls.length === options.cancelDuring,
        timings: { visionMs: 0, decodeMs: 0 },
      };
    },
    async cancel() {},
  };
  const run = (answered: ReadonlySet<string>) =>
    driveEval(
      { items, answered, imagePaths: locateImages(items, ['x/a.png', 'x/b.png', 'x/c.png']).paths, settings, jobId: 7 },
      {
        engine,
        readImage: async (path) => ({
          kind: 'encoded',
          bytes: new TextEncoder().encode(path).buffer as ArrayBuffer,
          mime: 'image/png',
        }),
        save: async (answers) => void saved.push(...answers.map(({ item, outputs }) => ({ key: item.key, outputs }))),
        onProgress: (p) => progress.push(p),
        now: () => clock,
      },
      {
        shouldPause: () => options.pauseAfter !== undefined && calls.length >= options.pauseAfter,
        isCancelled: () => cancelled,
      },
    );
  return { run, calls, saved, progress };
}

describe('driveEval', () => {
  it('asks each image once with all its questions, per-question seeds and the settings, and saves every answer', async () => {
    const h = harness();
    expect(await h.run(new Set())).toBe('complete');
    expect(h.calls.map((c) => c.items.map((i) => i.key))).toEqual([['1', '2'], ['3', '4'], ['5']]);
    expect(h.calls[0]).toMatchObject({
      jobId: 7,
      damro: settings.damro,
      decoding: 'sample',
      maxNewTokens: 1024,
      items: [
        { key: '1', prompt: 'question 1', seed: itemSeed(42, '1') },
        { key: '2', prompt: 'question 2', seed: itemSeed(42, '2') },
      ],
    });
    expect(new TextDecoder().decode((h.calls[1].image as { bytes: ArrayBuffer }).bytes)).toBe('x/b.png');
    expect(h.saved.map((s) => s.key)).toEqual(['1', '2', '3', '4', '5']);
    expect(h.saved[4].outputs).toEqual({ baseline: 'b5', damro: 'd5' });
    expect(h.progress.map((p) => p.done)).toEqual([0, 2, 4, 5]);
    expect(h.progress[1]).toMatchObject({ msPerItem: 100, etaMs: 300 });
  });

  it('pauses between images and resumes with only the unanswered questions', async () => {
    const first = harness({ pauseAfter: 1 });
    expect(await first.run(new Set())).toBe('paused');
    expect(first.saved.map((s) => s.key)).toEqual(['1', '2']);
    const second = harness();
    expect(await second.run(new Set(['1', '2']))).toBe('complete');
    expect(second.calls.map((c) => c.items.map((i) => i.key))).toEqual([['3', '4'], ['5']]);
    expect(second.progress[0]).toMatchObject({ done: 2, total: 5 });
    expect(second.progress[0].etaMs).toBeUndefined();
  });

  it('keeps the answers finished before a cancel and stops', async () => {
    const h = harness({ cancelDuring: 2 });
    expect(await h.run(new Set())).toBe('cancelled');
    expect(h.saved.map((s) => s.key)).toEqual(['1', '2', '3']);
    expect(h.calls).toHaveLength(2);
  });

  it('says which image is missing from the folder', async () => {
    const run = driveEval(
      { items, answered: new Set(), imagePaths: new Map(), settings, jobId: 1 },
      {
        engine: {
          answerImage: async () => {
            throw new Error('unreachable');
          },
          cancel: async () => {},
        },
        readImage: async () => {
          throw new Error('unreachable');
        },
        save: async () => {},
        now: () => 0,
      },
      { shouldPause: () => false, isCancelled: () => false },
    );
    await expect(run).rejects.toThrow(/The image a.png is not in the chosen folder/);
  });
});
