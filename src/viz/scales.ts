import { format, scaleLinear } from 'd3';
import type { PatchIndex } from '../core/geometry';
import { invalidOption } from './errors';

// Chart geometry as plain numbers (SVG or canvas draws it), so the scale logic is tested without a DOM.

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

export interface Margin {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

export interface AxisTick {
  /** x for a horizontal axis, y for a vertical one, in chart pixels. */
  readonly position: number;
  readonly label: string;
}

export interface ScoreBar {
  /** 1 = highest score. */
  readonly rank: number;
  readonly patch: PatchIndex;
  readonly value: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Among the top k, i.e. one of DAMRO's outliers. */
  readonly highlighted: boolean;
}

export interface ScoreChart {
  readonly plot: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly bars: readonly ScoreBar[];
  readonly yTicks: readonly AxisTick[];
  /** Ranks along the x axis, at bar centres. */
  readonly xTicks: readonly AxisTick[];
  /** Where the top-k bars end: a divider between outliers and the rest. */
  readonly kBoundaryX: number;
}

export interface ScoreChartOptions {
  readonly margin: Margin;
  readonly yTickCount: number;
  readonly xTickCount: number;
}

export const scoreChartDefaults: ScoreChartOptions = {
  margin: { top: 8, right: 8, bottom: 20, left: 40 },
  yTickCount: 4,
  xTickCount: 5,
};

/** Patch indices by descending score; ties keep the lower index first, as core/tensor topK does. */
function rankOrder(scores: Float32Array): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * The CLS scores sorted high to low: a peaked head (a few patches holding most of the attention) is DAMRO's
 * outlier phenomenon at a glance. Bars of rank ≤ k are highlighted.
 */
export function sortedScoreChart(
  scores: Float32Array,
  k: number,
  size: ChartSize,
  options: Partial<ScoreChartOptions> = {},
): ScoreChart {
  const o: ScoreChartOptions = { ...scoreChartDefaults, ...options };
  if (scores.length === 0) throw invalidOption('scores', 'empty', 'at least one patch score');
  if (!scores.every(Number.isFinite)) throw invalidOption('scores', 'non-finite', 'finite patch scores');
  if (!Number.isInteger(k) || k < 0 || k > scores.length)
    throw invalidOption('k', k, `an integer in 0..${scores.length}`);
  const plot = {
    x: o.margin.left,
    y: o.margin.top,
    width: size.width - o.margin.left - o.margin.right,
    height: size.height - o.margin.top - o.margin.bottom,
  };
  if (!(plot.width > 0 && plot.height > 0))
    throw invalidOption('chart size', `${size.width}x${size.height}`, 'a size larger than the margins');

  const order = rankOrder(scores);
  const top = Math.max(scores[order[0]], 0);
  const x = scaleLinear()
    .domain([0, scores.length])
    .range([plot.x, plot.x + plot.width]);
  // nice() so the top tick sits at or above the largest score; an all-zero chart still gets a [0, 1] axis.
  const y = scaleLinear()
    .domain([0, top > 0 ? top : 1])
    .nice(o.yTickCount)
    .range([plot.y + plot.height, plot.y]);
  const baseline = y(0);
  const bars = Array.from(order, (patch, i): ScoreBar => {
    const value = scores[patch];
    const yValue = y(value);
    return {
      rank: i + 1,
      patch: patch as PatchIndex,
      value,
      x: x(i),
      y: Math.min(yValue, baseline),
      width: x(i + 1) - x(i),
      height: Math.abs(baseline - yValue),
      highlighted: i < k,
    };
  });
  const yFormat = y.tickFormat(o.yTickCount);
  const ranks = scaleLinear().domain([1, scores.length]);
  return {
    plot,
    bars,
    yTicks: y.ticks(o.yTickCount).map((t) => ({ position: y(t), label: yFormat(t) })),
    xTicks: ranks
      .ticks(o.xTickCount)
      .filter((r) => Number.isInteger(r) && r >= 1)
      .map((r) => ({ position: x(r - 0.5), label: String(r) })),
    kBoundaryX: x(k),
  };
}

/** Ticks for a colour legend of the given width spanning a heatmap's domain. */
export function legendTicks(domain: readonly [number, number], width: number, count = 5): AxisTick[] {
  if (!(domain[0] < domain[1])) throw invalidOption('legend domain', domain, '[low, high] with low < high');
  const scale = scaleLinear().domain(domain).range([0, width]);
  const label = scale.tickFormat(count);
  return scale.ticks(count).map((t) => ({ position: scale(t), label: label(t) }));
}

const percent = format('.1%');

/** The share of a token's image attention that falls on the outliers, as a bar of the given width. */
export function shareBar(share: number, width: number): { readonly filledWidth: number; readonly label: string } {
  if (!(share >= 0 && share <= 1)) throw invalidOption('share', share, 'a fraction in [0, 1]');
  return { filledWidth: share * width, label: percent(share) };
}
