import { describe, expect, it } from 'vitest';
import { comparisonsCsv, tokenRecordsCsv } from '../../../src/core/evidence/csv';
import type { TokenRecord } from '../../../src/core/evidence/records';
import { summariseEvidence } from '../../../src/core/evidence/summary';
import {
  differenceChart,
  distributionChart,
  evidenceCharts,
  methodDistributionCharts,
  methodShiftChart,
} from '../../../src/viz/evidence-charts';

// Layer 1 separates (hallucinated .8/.9 vs grounded .1/.2), layer 0 does not.
const record = (method: 'baseline' | 'damro', label: TokenRecord['label'], share: number[]): TokenRecord => ({
  image: 'i',
  method,
  step: 0,
  word: 'w',
  label,
  share,
  overlap: [0.5, 1],
  entropy: [1, 1],
});
const tokens = [
  record('baseline', 'hallucinated', [0.5, 0.9]),
  record('damro', 'hallucinated', [0.4, 0.8]),
  record('baseline', 'grounded', [0.45, 0.1]),
  record('damro', 'grounded', [0.5, 0.2]),
];
const summary = summariseEvidence(tokens, [], { resamples: 100, seed: 1, level: 0.95 });

describe('evidence charts', () => {
  it('distribution: two boxes per layer, the strongest layer highlighted, n and p under every layer', () => {
    const chart = distributionChart(tokens, summary, 'share', 'all');
    expect(chart.svg.match(/class="box box--hallucinated"/g)).toHaveLength(2);
    expect(chart.svg.match(/class="box box--grounded"/g)).toHaveLength(2);
    expect(chart.svg.match(/class="strongest"/g)).toHaveLength(1);
    expect(chart.svg.match(/>n 2\/2</g)).toHaveLength(2);
    expect(chart.svg).toContain('hallucinated (2 words)');
    expect(chart.svg).toContain('>L1<');
    expect(chart.csv).toBe(tokenRecordsCsv(tokens));
  });

  it('difference and method charts carry their comparison table as CSV', () => {
    expect(differenceChart(summary, 'share').csv).toBe(comparisonsCsv(summary, 'share'));
    expect(differenceChart(summary, 'share').svg).toContain('baseline (n 1/1)');
    const methods = methodShiftChart(summary, 'overlap');
    expect(methods.svg.match(/class="bar bar--/g)).toHaveLength(4);
    expect(methods.title).toMatch(/at layer \d/);
    expect(evidenceCharts(tokens, summary).map((c) => c.id)).toEqual([
      'distribution-share-all',
      'difference-share',
      'methods-share',
      'distribution-overlap-all',
      'difference-overlap',
      'methods-overlap',
    ]);
  });

  it('says so when there is nothing to compare', () => {
    const empty = summariseEvidence([], []);
    expect(distributionChart([], empty, 'share', 'all').svg).toContain(
      'No hallucinated and grounded words to compare yet',
    );
  });
});

describe('evidence charts split by method', () => {
  // Baseline and DAMRO as above, plus VCD and the ablation with one hallucinated and one grounded word each.
  const compared = [
    ...tokens,
    { ...record('baseline', 'hallucinated', [0.3, 0.7]), method: 'vcd' as const },
    { ...record('baseline', 'grounded', [0.3, 0.3]), method: 'vcd' as const },
    { ...record('baseline', 'hallucinated', [0, 0]), method: 'ablation' as const },
    { ...record('baseline', 'grounded', [0, 0]), method: 'ablation' as const },
  ];
  const split = summariseEvidence(compared, [], { resamples: 100, seed: 1, level: 0.95 });

  it('the difference chart draws a series per method and pooled, each named with its n', () => {
    const svg = differenceChart(split, 'share').svg;
    for (const label of ['baseline (n 1/1)', 'DAMRO (n 1/1)', 'VCD (n 1/1)', 'Outliers removed (n 1/1)'])
      expect(svg).toContain(label);
    expect(svg).toContain('all methods (n 4/4)');
    // Per layer (2) one point per group (5).
    expect(svg.match(/<circle /g)).toHaveLength(10);
    expect(svg).toContain('n hallucinated/grounded, all methods');
  });

  it('the method chart has a group per method with its n; the distributions can be of any one method', () => {
    const methods = methodShiftChart(split, 'share');
    expect(methods.svg.match(/class="bar bar--/g)).toHaveLength(8);
    expect(methods.title).toMatch(/^Outlier share: baseline vs DAMRO vs VCD vs Outliers removed at layer 1/);
    // At layer 1: the ablation's words took no share; VCD's .7 and .3.
    expect(methods.svg.match(/>n 1\/1, p /g)).toHaveLength(4);
    expect(evidenceCharts(compared, split, 'vcd').map((c) => c.id)).toEqual([
      'distribution-share-vcd',
      'difference-share',
      'methods-share',
      'distribution-overlap-vcd',
      'difference-overlap',
      'methods-overlap',
    ]);
    const vcd = distributionChart(compared, split, 'share', 'vcd');
    expect(vcd.title).toContain('(VCD)');
    expect(vcd.csv).toBe(tokenRecordsCsv(compared.filter((r) => r.method === 'vcd')));
    expect(methodDistributionCharts(compared, split).map((c) => c.id)).toEqual(
      ['baseline', 'damro', 'vcd', 'ablation'].flatMap((m) => [`distribution-share-${m}`, `distribution-overlap-${m}`]),
    );
  });
});
