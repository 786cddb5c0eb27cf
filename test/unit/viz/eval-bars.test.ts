import { describe, expect, it } from 'vitest';
import type { BenchmarkSummary } from '../../../src/core/eval/benchmark';
import { evalBars } from '../../../src/viz/eval-bars';

const pope = (split: string, baseline: number, damro: number): BenchmarkSummary => ({
  benchmark: 'pope',
  split,
  metrics: [{ name: 'accuracy', label: 'Accuracy (%)', percent: true }],
  rows: [{ group: split, values: { accuracy: { baseline, damro } } }],
  notes: [],
});

describe('evalBars', () => {
  it('draws baseline and DAMRO side by side per split, in percent, tallest bar filling the plot', () => {
    const layout = evalBars([pope('random', 0.5, 0.8), pope('adversarial', 0.4, Number.NaN)], 'accuracy', 254, 150);
    expect(layout.plot).toEqual({ left: 44, top: 10, width: 200, height: 100 });
    expect(layout.max).toBeCloseTo(80, 12);
    expect(layout.bars.map((b) => [b.group, b.method, b.value])).toEqual([
      ['random', 'baseline', 50],
      ['random', 'damro', 80],
      ['adversarial', 'baseline', 40],
    ]);
    const [base, damro] = layout.bars;
    expect(damro.height).toBeCloseTo(100, 9);
    expect(base.height).toBeCloseTo(62.5, 9);
    expect(base.y + base.height).toBeCloseTo(110, 9);
    expect(damro.x).toBeGreaterThan(base.x);
    expect(layout.groups.map((g) => g.label)).toEqual(['random', 'adversarial']);
  });

  it('leaves out rows without the metric', () => {
    const mme: BenchmarkSummary = {
      benchmark: 'mme',
      split: 'all',
      metrics: [
        { name: 'acc', label: 'acc', percent: true },
        { name: 'score', label: 'score', percent: false },
      ],
      rows: [
        { group: 'color', values: { acc: { baseline: 0.5, damro: 0.5 }, score: { baseline: 50, damro: 60 } } },
        { group: 'Perception', values: { score: { baseline: 50, damro: 60 } } },
      ],
      notes: [],
    };
    expect(evalBars([mme], 'acc', 300, 200).groups.map((g) => g.label)).toEqual(['color']);
    expect(evalBars([mme], 'score', 300, 200).bars.map((b) => b.value)).toEqual([50, 60, 50, 60]);
  });
});
