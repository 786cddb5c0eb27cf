// `npm run eval -- evidence` end to end: a 40-image CHAIR run answered in two shards through the real eval
// path (driver → answerImage → shard folders, the CLI's own writers) by the planted synthetic model, then the
// evidence command over both folders. Planted: hallucinated words take more outlier attention in the upper
// layers, so the CLI must find that separation (p < 0.01, positive difference, strongest layer in the upper
// half); control: no planting, no separation (p > 0.05). The files must equal the core functions' output.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/eval';
import { chairCaptionLabeller, DEFAULT_DATA_DIR, loadItems } from '../../src/cli/data';
import { readFolderAnswers, readFolderEvidence } from '../../src/cli/shard-folder';
import type { EvalRunConfig } from '../../src/core/eval/run-config';
import { comparisonsCsv } from '../../src/core/evidence/csv';
import { runEvidence } from '../../src/core/evidence/run-evidence';
import type { EvidenceSummary } from '../../src/core/evidence/summary';
import { PLANTED_LAYERS, PlantedModel } from '../support/planted-model';
import { answerPlantedRun } from '../support/planted-run';
import { repoData } from '../support/repo-data';

const GROUND_TRUTH = JSON.parse(repoData('coder-gx__DAMRO/derived/chair_gt_objects_500.json')) as Record<
  string,
  string[]
>;
const work = mkdtempSync(join(tmpdir(), 'damro-evidence-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const config = (shard: 0 | 1): EvalRunConfig => ({
  benchmark: 'chair',
  split: 'coco500',
  modelId: 'synthetic-planted',
  dtype: 'fp32',
  settings: { damro: { alpha: 1, beta: 0.1, k: 2 }, decoding: 'greedy', seed: 42, maxNewTokens: 40 },
  limit: 40,
  shard: { index: shard, count: 2 },
});

/** Answers both shards with the planted (or control) model into name-0 and name-1, as two machines would. */
async function answerRun(name: string, planted: boolean): Promise<string[]> {
  const dirs: string[] = [];
  for (const shard of [0, 1] as const) {
    const dir = join(work, `${name}-${shard}`);
    await answerPlantedRun(dir, config(shard), new PlantedModel(GROUND_TRUTH, planted));
    dirs.push(dir);
  }
  return dirs;
}

async function evidence(
  dirs: string[],
  out: string,
): Promise<{ code: number; printed: string; summary: EvidenceSummary }> {
  const lines: string[] = [];
  const code = await main(['evidence', ...dirs.flatMap((d) => ['--run', d]), '--out', out], {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
  });
  return {
    code,
    printed: lines.join('\n'),
    summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).summary,
  };
}

const strongestShare = (summary: EvidenceSummary) => {
  const all = summary.comparisons.find((c) => c.measure === 'share' && c.method === 'all')!;
  return all.layers[all.strongestLayer!];
};

const strongestAdjustedP = (summary: EvidenceSummary) =>
  summary.comparisons.find((c) => c.measure === 'share' && c.method === 'all')!.strongestAdjustedP!;

describe('npm run eval -- evidence', () => {
  it('finds the planted separation (p < 0.01) and the files equal the core functions over the merged shards', async () => {
    const dirs = await answerRun('planted', true);
    const { code, printed, summary } = await evidence(dirs, join(work, 'planted-evidence'));
    expect(code, printed).toBe(0);
    const at = strongestShare(summary);
    expect(at.layer).toBeGreaterThanOrEqual(PLANTED_LAYERS / 2);
    expect(at.difference.estimate).toBeGreaterThan(0);
    expect(at.difference.low).toBeGreaterThan(0);
    expect(at.test!.p).toBeLessThan(0.01);
    expect(strongestAdjustedP(summary)).toBeLessThan(0.01);
    expect(at.test!.effect).toBeGreaterThan(0.5);
    // The lower layers were not planted.
    const all = summary.comparisons.find((c) => c.measure === 'share' && c.method === 'all')!;
    expect(all.layers[0].test!.p).toBeGreaterThan(0.01);
    // 40 images × (3 grounded + 3 hallucinated baseline, 2 DAMRO) words where the ground truth has 3 pool objects.
    const counts = summary.counts.find((c) => c.method === 'all')!;
    expect(counts.hallucinated).toBe(40 * 5);
    expect(printed).toMatch(/40 of 40 captions answered/);
    expect(printed).toMatch(
      new RegExp(
        `share\\s+all\\s+layer ${at.layer}: .* p ${at.test!.p < 1e-4 ? at.test!.p.toExponential(2) : at.test!.p.toFixed(4)}`,
      ),
    );

    // Oracle for the files: the core pipeline over what the shard folders hold, read back independently.
    const items = [];
    for (const dir of dirs) {
      const answers = await readFolderAnswers(dir, config(dir.endsWith('0') ? 0 : 1));
      const records = await readFolderEvidence(dir);
      for (const [key, outputs] of answers)
        items.push({ key, image: `COCO_val2014_${key.padStart(12, '0')}.jpg`, outputs, evidence: records.get(key) });
    }
    const order = (await loadItems({ ...config(0), shard: undefined }, DEFAULT_DATA_DIR)).all.map((i) => i.key);
    items.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
    const core = runEvidence(items, await chairCaptionLabeller(DEFAULT_DATA_DIR));
    const fromFile = readFileSync(join(work, 'planted-evidence', 'comparisons.csv'), 'utf8');
    // The CLI reads shard by shard, the oracle in list order: the summary does not depend on the order.
    expect(fromFile).toBe(comparisonsCsv(core.summary));
    for (const name of [
      'distribution-share-all',
      'difference-share',
      'methods-share',
      'distribution-overlap-all',
      'difference-overlap',
      'methods-overlap',
    ]) {
      const svg = readFileSync(join(work, 'planted-evidence', 'charts', `${name}.svg`), 'utf8');
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).toMatch(/\bn \d+/);
    }
  });

  it('reports no separation for the control model (p > 0.05)', async () => {
    const dirs = await answerRun('control', false);
    const { code, printed, summary } = await evidence(dirs, join(work, 'control-evidence'));
    expect(code, printed).toBe(0);
    // The strongest of 4 layers is picked after looking, so its p is read Bonferroni-corrected.
    expect(strongestAdjustedP(summary)).toBeGreaterThan(0.05);
    const all = summary.comparisons.find((c) => c.measure === 'share' && c.method === 'all')!;
    expect(all.layers.filter((l) => l.test!.p < 0.01)).toEqual([]);
  });

  it('asks for --run when it is missing', async () => {
    const lines: string[] = [];
    expect(await main(['evidence'], { out: (l) => lines.push(l), err: (l) => lines.push(l) })).toBe(2);
    expect(lines.join('\n')).toMatch(/evidence needs --run DIR/);
  });
});
