// `npm run eval -- evidence` over a CHAIR run that compared VCD and M3ID beside the captions (the run's --methods),
// answered through the real eval path by the planted synthetic model: every table and chart splits by method, and
// each method's rows are checked against values worked out here from the run's own files: the evidence records
// (evidence.jsonl, read as plain JSON lines) and the ground truth's objects (the planted model writes object names,
// so a word is hallucinated exactly when the image's CHAIR ground truth lacks it).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/eval';
import type { Method } from '../../src/core/eval/benchmark';
import type { EvalRunConfig } from '../../src/core/eval/run-config';
import type { EvidenceSummary } from '../../src/core/evidence/summary';
import { METHODS } from '../../src/core/methods/registry';
import type { ItemEvidence } from '../../src/protocol/evidence';
import { PLANTED_LAYERS, PlantedModel } from '../support/planted-model';
import { answerPlantedRun } from '../support/planted-run';
import { repoData } from '../support/repo-data';

const GROUND_TRUTH = JSON.parse(repoData('coder-gx__DAMRO/derived/chair_gt_objects_500.json')) as Record<
  string,
  string[]
>;
const IMAGES = 8;
const work = mkdtempSync(join(tmpdir(), 'damro-evidence-methods-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const config: EvalRunConfig = {
  benchmark: 'chair',
  split: 'coco500',
  modelId: 'synthetic-planted',
  dtype: 'fp32',
  settings: {
    damro: { alpha: 1, beta: 0.1, k: 2 },
    decoding: 'greedy',
    seed: 42,
    maxNewTokens: 40,
    methods: [
      { method: 'vcd', params: { ...METHODS.vcd.defaults } },
      { method: 'm3id', params: { ...METHODS.m3id.defaults } },
    ],
  },
  limit: IMAGES,
};

/** A CSV the evidence command wrote (no quoted cells: words and image names hold no commas), as records. */
function readCsv(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = header.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((cell, i) => [names[i], cell])));
}

const imageOf = (key: string) => `COCO_val2014_${key.padStart(12, '0')}.jpg`;
const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

describe('npm run eval -- evidence over a run with --methods', () => {
  it('writes per-method token rows, comparisons, summary counts and charts, equal to values from the records', async () => {
    const dir = join(work, 'run');
    const out = join(work, 'evidence');
    await answerPlantedRun(dir, config, new PlantedModel(GROUND_TRUTH, true));
    const lines: string[] = [];
    const code = await main(['evidence', '--run', dir, '--out', out], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
    });
    expect(code, lines.join('\n')).toBe(0);

    const records = new Map<string, ItemEvidence>(
      readFileSync(join(dir, 'evidence.jsonl'), 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { key: string; evidence: ItemEvidence })
        .map(({ key, evidence }) => [imageOf(key), evidence]),
    );
    expect(records.size).toBe(IMAGES);
    for (const evidence of records.values())
      expect(Object.keys(evidence.captions)).toEqual(['baseline', 'damro', 'vcd', 'm3id']);

    // tokens.csv: every method's words, each labelled by the ground truth, its values those of the step that
    // wrote it in that method's own records.
    const tokens = readCsv(join(out, 'tokens.csv'));
    expect([...new Set(tokens.map((t) => t.method))]).toEqual(['baseline', 'damro', 'vcd', 'm3id']);
    for (const t of tokens) {
      const truth = GROUND_TRUTH[String(Number(t.image.slice(13, 25)))] ?? [];
      expect(t.label, `${t.image} ${t.word}`).toBe(truth.includes(t.word) ? 'grounded' : 'hallucinated');
      const step = records.get(t.image)!.captions[t.method as Method]!.steps[Number(t.step)];
      const layer = Number(t.layer);
      expect([Number(t.share), Number(t.overlap), Number(t.entropy)]).toEqual([
        step.share[layer],
        step.overlap[layer],
        step.entropy[layer],
      ]);
    }
    // The methods' own rows are their own: VCD's words took other attention than DAMRO's (same words, other row).
    const sharesOf = (method: string) => tokens.filter((t) => t.method === method).map((t) => t.share);
    expect(sharesOf('vcd')).toHaveLength(sharesOf('damro').length);
    expect(sharesOf('vcd')).not.toEqual(sharesOf('damro'));

    // comparisons.csv: per method, measure and layer, n and means worked out here from the records.
    const comparisons = readCsv(join(out, 'comparisons.csv'));
    expect([...new Set(comparisons.map((c) => c.method))]).toEqual(['baseline', 'damro', 'vcd', 'm3id', 'all']);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).summary as EvidenceSummary;
    for (const method of ['vcd', 'm3id', 'all'])
      for (const measure of ['share', 'entropy'] as const)
        for (let layer = 0; layer < PLANTED_LAYERS; layer++) {
          const row = comparisons.find(
            (c) => c.method === method && c.measure === measure && Number(c.layer) === layer,
          )!;
          const values = (label: string) =>
            tokens
              .filter(
                (t) => (method === 'all' || t.method === method) && t.label === label && Number(t.layer) === layer,
              )
              .map((t) => records.get(t.image)!.captions[t.method as Method]!.steps[Number(t.step)][measure][layer]);
          const [hallucinated, grounded] = [values('hallucinated'), values('grounded')];
          expect([Number(row.n_hallucinated), Number(row.n_grounded)]).toEqual([hallucinated.length, grounded.length]);
          expect(Number(row.mean_hallucinated)).toBeCloseTo(mean(hallucinated), 12);
          expect(Number(row.mean_grounded)).toBeCloseTo(mean(grounded), 12);
          const fromSummary = summary.comparisons.find((c) => c.method === method && c.measure === measure)!;
          expect(fromSummary.layers[layer].meanHallucinated).toBeCloseTo(mean(hallucinated), 12);
        }
    // The planted model writes DAMRO's script (the last hallucination dropped) on every row after the baseline's,
    // so each compared method has 2 hallucinated words per image, the baseline 3.
    const counts = Object.fromEntries(summary.counts.map((c) => [c.method, c]));
    expect(Object.keys(counts)).toEqual(['baseline', 'damro', 'vcd', 'm3id', 'all']);
    expect([counts.baseline, counts.vcd, counts.m3id].map((c) => c.hallucinated)).toEqual([
      IMAGES * 3,
      IMAGES * 2,
      IMAGES * 2,
    ]);
    expect(counts.all.grounded).toBe(['baseline', 'damro', 'vcd', 'm3id'].reduce((n, m) => n + counts[m].grounded, 0));

    // Charts: one distribution per method and measure beside the pooled ones; the difference chart has a series per
    // method with its n, the method chart a group per method with its n.
    const chart = (name: string) => readFileSync(join(out, 'charts', `${name}.svg`), 'utf8');
    for (const method of ['baseline', 'damro', 'vcd', 'm3id'])
      for (const measure of ['share', 'overlap'])
        expect(chart(`distribution-${measure}-${method}`)).toMatch(/\bn \d+\/\d+/);
    expect(chart('distribution-share-vcd')).toContain('hallucinated vs grounded words (VCD)');
    const difference = chart('difference-share');
    for (const [method, label] of [
      ['vcd', 'VCD'],
      ['m3id', 'M3ID'],
      ['all', 'all methods'],
    ])
      expect(difference).toContain(`${label} (n ${counts[method].hallucinated}/${counts[method].grounded})`);
    expect(chart('methods-share')).toContain('baseline vs DAMRO vs VCD vs M3ID at layer');
    expect(lines.join('\n')).toMatch(/share\s+vcd\s+layer \d/);
  });
});
