// The evidence tables as CSV: what the charts show, so a spreadsheet can redraw or recompute them.
import type { ImageRecord, TokenRecord } from './records';
import type { EvidenceMeasure, EvidenceSummary } from './summary';

const cell = (value: string | number | undefined) => {
  if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const table = (header: readonly string[], rows: readonly (readonly (string | number | undefined)[])[]) =>
  `${[header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n')}\n`;

/** One row per (method group, measure, layer); only one measure's rows when it is given. */
export function comparisonsCsv(summary: EvidenceSummary, measure?: EvidenceMeasure): string {
  const header = [
    'method',
    'measure',
    'layer',
    'n_hallucinated',
    'n_grounded',
    'mean_hallucinated',
    'mean_grounded',
    'difference',
    'ci_low',
    'ci_high',
    'u',
    'p',
    'effect_rank_biserial',
    'test',
    'strongest_layer',
    'p_bonferroni_strongest',
  ];
  return table(
    header,
    summary.comparisons
      .filter((c) => !measure || c.measure === measure)
      .flatMap((c) =>
        c.layers.map((l) => [
          c.method,
          c.measure,
          l.layer,
          l.nHallucinated,
          l.nGrounded,
          l.meanHallucinated,
          l.meanGrounded,
          l.difference.estimate,
          l.difference.low,
          l.difference.high,
          l.test?.u1,
          l.test?.p,
          l.test?.effect,
          l.test?.method,
          c.strongestLayer === l.layer ? 'yes' : '',
          c.strongestLayer === l.layer ? c.strongestAdjustedP : undefined,
        ]),
      ),
  );
}

/** One row per (record, layer). */
export function tokenRecordsCsv(records: readonly TokenRecord[]): string {
  return table(
    ['image', 'method', 'step', 'word', 'label', 'layer', 'share', 'overlap', 'entropy'],
    records.flatMap((r) =>
      r.share.map((_, layer) => [
        r.image,
        r.method,
        r.step,
        r.word,
        r.label,
        layer,
        r.share[layer],
        r.overlap[layer],
        r.entropy[layer],
      ]),
    ),
  );
}

export function imageRecordsCsv(records: readonly ImageRecord[]): string {
  return table(
    [
      'image',
      'k',
      'top_k_mass',
      'score_norm_spearman',
      'outliers_on_border',
      'border_chance',
      'outliers_on_background',
      'background_chance',
    ],
    records.map((r) => [
      r.image,
      r.k,
      r.topKMass,
      r.scoreNormSpearman,
      r.outliersOnBorder,
      r.borderChance,
      r.outliersOnBackground,
      r.backgroundChance,
    ]),
  );
}
