import { describe, expect, it } from 'vitest';
import { topK } from '../../../src/core/tensor/topk';
import { legendTicks, shareBar, sortedScoreChart } from '../../../src/viz/scales';

const NO_MARGIN = { margin: { top: 0, right: 0, bottom: 0, left: 0 } };

describe('sortedScoreChart', () => {
  it('sorts descending (ties: lower patch first), scales bars to a nice 0..0.5 axis and highlights the top k', () => {
    const chart = sortedScoreChart(Float32Array.of(0.125, 0.5, 0.25, 0.25), 2, { width: 100, height: 60 }, NO_MARGIN);
    // 4 bars of 25 px; 60 px per 0.5: heights 60, 30, 30, 15.
    expect(chart.bars.map((b) => [b.rank, b.patch, b.x, b.width, b.y, b.height, b.highlighted])).toEqual([
      [1, 1, 0, 25, 0, 60, true],
      [2, 2, 25, 25, 30, 30, true],
      [3, 3, 50, 25, 30, 30, false],
      [4, 0, 75, 25, 45, 15, false],
    ]);
    expect(chart.kBoundaryX).toBe(50);
    expect(chart.yTicks).toEqual(
      [0, 0.1, 0.2, 0.3, 0.4, 0.5].map((t, i) => ({ position: expect.closeTo(60 - t * 120, 9), label: `0.${i}` })),
    );
    expect(chart.xTicks.map((t) => t.label)).toEqual(['1', '2', '3', '4']);
    expect(chart.xTicks[0].position).toBe(12.5);
  });

  it('highlights exactly the patches core topK picks as DAMRO outliers (576 seeded scores, k = 10)', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const scores = Float32Array.from({ length: 576 }, () => next() ** 8);
    scores[100] = 2; // a tie at the top, resolved toward the lower index on both sides
    scores[7] = 2;
    const chart = sortedScoreChart(scores, 10, { width: 300, height: 120 });
    expect(chart.bars.slice(0, 2).map((b) => b.patch)).toEqual([7, 100]);
    expect(chart.bars.filter((b) => b.highlighted).map((b) => b.patch)).toEqual(topK(scores, 10));
    for (let i = 1; i < chart.bars.length; i++)
      expect(chart.bars[i].value).toBeLessThanOrEqual(chart.bars[i - 1].value);
    expect(chart.plot).toEqual({ x: 40, y: 8, width: 252, height: 92 });
  });

  it('an all-zero map still gets an axis and zero-height bars', () => {
    const chart = sortedScoreChart(new Float32Array(4), 1, { width: 100, height: 60 }, NO_MARGIN);
    expect(chart.bars.every((b) => b.height === 0 && b.y === 60)).toBe(true);
    expect(chart.yTicks.at(-1)?.label).toBe('1.0');
  });

  it('rejects bad input by name', () => {
    expect(() => sortedScoreChart(Float32Array.of(1, 2), 3, { width: 100, height: 60 })).toThrow(/k 3.*0\.\.2/);
    expect(() => sortedScoreChart(Float32Array.of(1, Number.NaN), 1, { width: 100, height: 60 })).toThrow(/finite/);
    expect(() => sortedScoreChart(Float32Array.of(1), 1, { width: 30, height: 60 })).toThrow(/chart size/);
  });
});

describe('legend and share bar', () => {
  it('legendTicks: 0..1 over 100 px in steps of 0.2', () => {
    expect(legendTicks([0, 1], 100)).toEqual(
      [0, 0.2, 0.4, 0.6, 0.8, 1].map((t) => ({ position: expect.closeTo(t * 100, 9), label: t.toFixed(1) })),
    );
    expect(() => legendTicks([1, 1], 100)).toThrow(/legend domain/);
  });

  it('shareBar: 37.2% of 200 px', () => {
    expect(shareBar(0.372, 200)).toEqual({ filledWidth: expect.closeTo(74.4, 9), label: '37.2%' });
    expect(() => shareBar(1.5, 200)).toThrow(/share/);
  });
});
