import { describe, expect, it } from 'vitest';
import { comparisonsCsv, tokenRecordsCsv } from '../../../src/core/evidence/csv';
import type { TokenRecord } from '../../../src/core/evidence/records';
import { summariseEvidence } from '../../../src/core/evidence/summary';
import { differenceChart, distributionChart, evidenceCharts, methodShiftChart } from '../../../src/viz/evidence-charts';

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
