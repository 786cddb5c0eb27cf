import { describe, expect, it } from 'vitest';
import { locateImages, sniffImageMime } from '../../../../src/core/eval/images';
import { itemSeed, paperPreset } from '../../../../src/core/eval/presets';
import { formatDuration, progressOf } from '../../../../src/core/eval/progress';
import { checkSameRun, runIdentity, runName, type EvalRunConfig } from '../../../../src/core/eval/run-config';

const config: EvalRunConfig = {
  benchmark: 'pope',
  split: 'random',
  modelId: 'm',
  dtype: 'fp32',
  settings: paperPreset('pope').settings,
  limit: 12,
  shard: { index: 0, count: 2 },
};

describe('presets', () => {
  it("carry the scripts' α/β/k per benchmark, sampling with seed 42 and 1024 new tokens", () => {
    expect(paperPreset('pope').settings).toEqual({
      damro: { alpha: 0.5, beta: 0.1, k: 10 },
      decoding: 'sample',
      seed: 42,
      maxNewTokens: 1024,
    });
    expect(paperPreset('chair').settings.damro.alpha).toBe(1.5);
    expect(paperPreset('mme').settings.damro).toEqual({ alpha: 2, beta: 0.1, k: 10 });
    expect(paperPreset('pope').label).toMatch(/assumption/);
    expect(paperPreset('mme').label).not.toMatch(/assumption/);
  });

  it('derive per-question seeds from the run seed and the question only', () => {
    // FNV-1a of "1" from the offset basis xor 42, by hand: (0x811c9dc5 ^ 42 ^ 0x31) · 0x01000193 mod 2^32.
    expect(itemSeed(42, '1')).toBe(Number((BigInt((0x811c9dc5 ^ 42 ^ 0x31) >>> 0) * 0x01000193n) % 2n ** 32n));
    expect(itemSeed(42, '1')).not.toBe(itemSeed(43, '1'));
    expect(itemSeed(42, '1')).not.toBe(itemSeed(42, '2'));
  });
});

describe('run identity', () => {
  it('is shared by every shard of a run and differs when a setting differs', () => {
    expect(runIdentity({ ...config, shard: { index: 1, count: 2 } })).toBe(runIdentity(config));
    expect(runName(config)).toMatch(/^pope-random-a0\.5-k10-sample-[0-9a-f]{8}$/);
    expect(() =>
      checkSameRun(
        config,
        { ...config, settings: { ...config.settings, damro: { alpha: 1, beta: 0.1, k: 4 } }, limit: undefined },
        'shard 1',
      ),
    ).toThrow(/shard 1 belongs to a different run \(α, k, limit differ\)/);
    // A run.json from before the CLS scorer was recorded ran the default single-head score.
    expect(runIdentity({ ...config, clsScorer: 'clip-single-head' })).toBe(
      runIdentity({ ...config, clsScorer: undefined }),
    );
    expect(() =>
      checkSameRun({ ...config, clsScorer: undefined }, { ...config, clsScorer: 'head-mean' }, 'shard 1'),
    ).toThrow(/\(outlier score differ\)/);
  });
});

describe('progress', () => {
  it("estimates time left from this session's rate only", () => {
    expect(progressOf({ total: 100, done: 40, doneAtStart: 30, startedAt: 1000, now: 6000 })).toEqual({
      total: 100,
      done: 40,
      fraction: 0.4,
      msPerItem: 500,
      etaMs: 30000,
    });
    expect(progressOf({ total: 100, done: 30, doneAtStart: 30, startedAt: 0, now: 10 })).toEqual({
      total: 100,
      done: 30,
      fraction: 0.3,
    });
    expect([formatDuration(12_400), formatDuration(200_000), formatDuration(3_900_000)]).toEqual([
      '12 s',
      '3 min 20 s',
      '1 h 05 min',
    ]);
  });
});

describe('image lookup', () => {
  it('finds images by name at any depth and uses the folder hint for names that repeat', () => {
    const items = [
      { key: '1', image: 'COCO_val2014_000000310196.jpg', prompt: 'q' },
      { key: '2', image: '0001.png', folder: 'count', prompt: 'q' },
      { key: '3', image: '0002.png', folder: 'OCR', prompt: 'q' },
      { key: '4', image: 'gone.jpg', prompt: 'q' },
    ];
    const files = [
      'val2014/COCO_val2014_000000310196.jpg',
      'MME/count/0001.png',
      'MME/color/0001.png',
      'MME/OCR/images/0002.png',
      'MME/scene/0002.png',
    ];
    const found = locateImages(items, files);
    expect([...found.paths]).toEqual([
      ['/COCO_val2014_000000310196.jpg', 'val2014/COCO_val2014_000000310196.jpg'],
      ['count/0001.png', 'MME/count/0001.png'],
      ['OCR/0002.png', 'MME/OCR/images/0002.png'],
    ]);
    expect(found.missing).toEqual(['gone.jpg']);
    expect(locateImages([{ key: '1', image: 'a.png', prompt: 'q' }], ['x/a.png', 'y/a.png']).ambiguous).toEqual([
      'a.png',
    ]);
  });

  it('tells image types by their bytes', () => {
    expect(sniffImageMime(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10))).toBe('image/png');
    expect(sniffImageMime(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffImageMime(new TextEncoder().encode('RIFF....WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageMime(new TextEncoder().encode('hello'))).toBeUndefined();
  });
});

describe('CSV export', () => {
  it('writes one row per group and metric, ratios as computed, NaN as empty, missing metrics left out', async () => {
    const { summariesCsv } = await import('../../../../src/core/eval/export');
    const csv = summariesCsv([
      {
        benchmark: 'pope',
        split: 'random',
        metrics: [{ name: 'f1', label: 'F1', percent: true }],
        rows: [{ group: 'random', values: { f1: { baseline: 0.5, damro: Number.NaN } } }],
        notes: [],
      },
      {
        benchmark: 'mme',
        split: 'all',
        metrics: [
          { name: 'acc', label: 'acc', percent: true },
          { name: 'score', label: 's', percent: false },
        ],
        rows: [{ group: 'Perception, total', values: { score: { baseline: 1231.45, damro: 1300 } } }],
        notes: [],
      },
    ]);
    expect(csv).toBe(
      'benchmark,split,group,metric,baseline,damro\npope,random,random,f1,0.5,\nmme,all,"Perception, total",score,1231.45,1300\n',
    );
  });
});
