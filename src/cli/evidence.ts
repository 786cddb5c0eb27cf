// `npm run eval -- evidence --run DIR...`: the hallucination evidence of a CHAIR run from its shard folders'
// answers and evidence records, as tables (CSV, JSON) and the site's charts (SVG), and a printed summary; every
// table and chart splits the words by the caption or compared method that wrote them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { comparisonsCsv, imageRecordsCsv, tokenRecordsCsv } from '../core/evidence/csv';
import { runEvidence, type EvidenceItem } from '../core/evidence/run-evidence';
import { comparisonOf, summaryGroups, type EvidenceSummary } from '../core/evidence/summary';
import { BOOTSTRAP_DEFAULTS } from '../core/stats/bootstrap';
import { checkSameRun } from '../core/eval/run-config';
import { LensError } from '../protocol/errors';
import { evidenceCharts, methodDistributionCharts } from '../viz/evidence-charts';
import type { EvidenceCommand } from './args';
import { chairCaptionLabeller, DEFAULT_DATA_DIR, loadItems } from './data';
import { readFolderAnswers, readFolderEvidence, readRunConfig } from './shard-folder';

/** The answered items of every shard folder, each once. */
async function collectItems(command: EvidenceCommand): Promise<{ items: EvidenceItem[]; total: number }> {
  const configs = await Promise.all(command.runs.map(readRunConfig));
  configs.forEach((c, i) => checkSameRun(configs[0], c, command.runs[i]));
  if (configs[0].benchmark !== 'chair')
    throw new LensError(
      'bad-request',
      `${command.runs[0]} is a ${configs[0].benchmark} run; hallucination evidence comes from captions, so run the chair benchmark.`,
    );
  const { all } = await loadItems({ ...configs[0], shard: undefined }, command.data ?? DEFAULT_DATA_DIR);
  const byKey = new Map(all.map((item) => [item.key, item]));
  const owner = new Map<string, string>();
  const items: EvidenceItem[] = [];
  for (const [i, dir] of command.runs.entries()) {
    const answers = await readFolderAnswers(dir, configs[i]);
    const evidence = await readFolderEvidence(dir);
    for (const [key, outputs] of answers) {
      const item = byKey.get(key);
      if (!item) throw new LensError('bad-request', `${dir} answers '${key}', which is not a question of this run.`);
      if (owner.has(key))
        throw new LensError(
          'bad-request',
          `'${key}' is answered by both ${owner.get(key)} and ${dir}; pass each shard folder once.`,
        );
      owner.set(key, dir);
      items.push({ image: item.image, outputs, evidence: evidence.get(key) });
    }
  }
  return { items, total: all.length };
}

const fmt = (v: number | undefined, digits = 4) => (v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(digits));
const fmtP = (p: number | undefined) => (p === undefined ? 'n/a' : p < 1e-4 ? p.toExponential(2) : p.toFixed(4));

/** Plain-text summary: per method and measure, the strongest layer's test, then the image facts. */
export function formatEvidence(summary: EvidenceSummary): string {
  const lines = ['Object words (hallucinated / grounded / unverifiable):'];
  for (const c of summary.counts)
    lines.push(`  ${c.method.padEnd(9)}${c.hallucinated} / ${c.grounded} / ${c.unverifiable}`);
  lines.push(
    'Hallucinated minus grounded at the layer of strongest separation (rank-biserial effect, Mann–Whitney U; p_adj: Bonferroni over the layers):',
  );
  for (const measure of ['share', 'overlap', 'entropy'] as const) {
    for (const method of summaryGroups(summary)) {
      const c = comparisonOf(summary, measure, method);
      const at = c.strongestLayer === undefined ? undefined : c.layers[c.strongestLayer];
      lines.push(
        at
          ? `  ${measure.padEnd(8)}${method.padEnd(9)}layer ${at.layer}: ${fmt(at.meanHallucinated)} vs ${fmt(at.meanGrounded)} (n ${at.nHallucinated}/${at.nGrounded}), difference ${fmt(at.difference.estimate)} [${fmt(at.difference.low)}, ${fmt(at.difference.high)}], effect ${fmt(at.test?.effect, 3)}, U ${at.test?.u1}, p ${fmtP(at.test?.p)}, p_adj ${fmtP(c.strongestAdjustedP)}`
          : `  ${measure.padEnd(8)}${method.padEnd(9)}no hallucinated and grounded words to compare`,
      );
    }
  }
  const i = summary.images;
  lines.push(
    `Images (${i.images}): top-k score mass ${fmt(i.meanTopKMass)}, Spearman(score, norm) ${fmt(i.meanScoreNormSpearman)}, outliers on the border ${fmt(i.meanOutliersOnBorder)} (chance ${fmt(i.meanBorderChance)})${i.imagesWithDetections ? `, on background ${fmt(i.meanOutliersOnBackground)} (chance ${fmt(i.meanBackgroundChance)})` : ''}`,
  );
  return lines.join('\n');
}

export async function evidenceCommand(command: EvidenceCommand, out: (line: string) => void): Promise<number> {
  const { items, total } = await collectItems(command);
  const label = await chairCaptionLabeller(command.data ?? DEFAULT_DATA_DIR);
  const bootstrap = {
    ...BOOTSTRAP_DEFAULTS,
    ...(command.seed !== undefined && { seed: command.seed }),
    ...(command.resamples !== undefined && { resamples: command.resamples }),
  };
  const result = runEvidence(items, label, bootstrap);
  const dir = command.out ?? join(command.runs[0], 'evidence');
  await mkdir(join(dir, 'charts'), { recursive: true });
  await writeFile(join(dir, 'tokens.csv'), tokenRecordsCsv(result.tokens));
  await writeFile(join(dir, 'images.csv'), imageRecordsCsv(result.images));
  await writeFile(join(dir, 'comparisons.csv'), comparisonsCsv(result.summary));
  await writeFile(
    join(dir, 'summary.json'),
    `${JSON.stringify({ runs: command.runs, answered: items.length, questions: total, skipped: result.skipped, summary: result.summary }, null, 2)}\n`,
  );
  const charts = [
    ...evidenceCharts(result.tokens, result.summary),
    ...methodDistributionCharts(result.tokens, result.summary),
  ];
  for (const chart of charts) {
    await writeFile(join(dir, 'charts', `${chart.id}.svg`), chart.svg);
    await writeFile(join(dir, 'charts', `${chart.id}.csv`), chart.csv);
  }
  out(
    `${items.length} of ${total} captions answered${result.skipped.noEvidence ? `; ${result.skipped.noEvidence} without evidence records (answered before evidence was recorded)` : ''}${result.skipped.noGroundTruth ? `; ${result.skipped.noGroundTruth} of images with no CHAIR ground truth` : ''}`,
  );
  out(formatEvidence(result.summary));
  out(`tables (tokens.csv, images.csv, comparisons.csv, summary.json) and charts/*.svg: ${dir}`);
  return 0;
}
