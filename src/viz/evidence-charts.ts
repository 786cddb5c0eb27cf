// The hallucination-evidence charts as SVG markup built from d3 scales: per-layer distributions of a measure
// for hallucinated vs grounded words (strongest layer highlighted), the per-layer difference with bootstrap
// intervals for the baseline, DAMRO, each compared method and all pooled, and each method's means at the strongest
// layer. Every panel states its sample sizes; each chart carries the CSV of what it draws.
import { max, min, quantileSorted, scaleBand, scaleLinear } from 'd3';
import { comparisonsCsv, tokenRecordsCsv } from '../core/evidence/csv';
import type { TokenRecord } from '../core/evidence/records';
import { METHODS } from '../core/methods/registry';
import {
  comparisonOf,
  layerValues,
  summaryGroups,
  type EvidenceMeasure,
  type EvidenceSummary,
  type MethodGroup,
} from '../core/evidence/summary';
import { svgDocument, tag, text } from './svg-markup';

export interface EvidenceChart {
  /** File-name friendly. */
  readonly id: string;
  readonly title: string;
  readonly svg: string;
  readonly csv: string;
}

export const EVIDENCE_COLORS = {
  hallucinated: '#c0392b',
  grounded: '#2471a3',
  baseline: '#7f7f7f',
  damro: '#1e8449',
  vcd: '#e67e22',
  m3id: '#b7950b',
  avisc: '#17a589',
  ablation: '#5d6d7e',
  all: '#6c3483',
  highlight: '#fcf3cf',
} as const;

const SIZE = { width: 640, height: 300 };
const MARGIN = { top: 54, right: 16, bottom: 58, left: 56 };

/** A group's name as the charts and tables say it; the pooled group is "both" beside two methods. */
export function methodGroupName(method: MethodGroup, groups: readonly MethodGroup[]): string {
  if (method === 'all') return groups.length === 3 ? 'both' : 'all methods';
  if (method === 'baseline') return 'baseline';
  return METHODS[method].label;
}

const fmtP = (p: number | undefined) => (p === undefined ? 'n/a' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));
const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : 'n/a');

const plotBox = () => ({
  left: MARGIN.left,
  top: MARGIN.top,
  right: SIZE.width - MARGIN.right,
  bottom: SIZE.height - MARGIN.bottom,
});

function yAxis(y: ReturnType<typeof scaleLinear<number, number>>, label: string): string {
  const { left, right, top, bottom } = plotBox();
  const format = y.tickFormat(5);
  const ticks = y
    .ticks(5)
    .map((t) =>
      tag(
        'g',
        {},
        tag('line', { x1: left, x2: right, y1: y(t), y2: y(t), stroke: '#e5e5e5' }),
        text(format(t), { x: left - 6, y: y(t), 'text-anchor': 'end', 'dominant-baseline': 'middle', fill: '#444' }),
      ),
    );
  return tag(
    'g',
    { class: 'axis axis--y' },
    ...ticks,
    tag('line', { x1: left, x2: left, y1: top, y2: bottom, stroke: '#333' }),
    text(label, {
      transform: `translate(14 ${(top + bottom) / 2}) rotate(-90)`,
      'text-anchor': 'middle',
      fill: '#222',
    }),
  );
}

function legend(entries: readonly { label: string; color: string }[]): string {
  let x = MARGIN.left;
  return tag(
    'g',
    { class: 'legend' },
    ...entries.map((e) => {
      const item = tag(
        'g',
        {},
        tag('rect', { x, y: 24, width: 10, height: 10, fill: e.color }),
        text(e.label, { x: x + 14, y: 33, fill: '#222' }),
      );
      x += 22 + e.label.length * 6;
      return item;
    }),
  );
}

const title = (content: string) => text(content, { x: 8, y: 16, 'font-size': 12, 'font-weight': 'bold', fill: '#111' });
const SHORT: Readonly<Record<EvidenceMeasure, string>> = {
  share: 'Outlier share',
  overlap: 'Top-k overlap (consistency)',
  entropy: 'Attention entropy',
};

function emptyNote(): string {
  const { left, right, top, bottom } = plotBox();
  return text('No hallucinated and grounded words to compare yet', {
    x: (left + right) / 2,
    y: (top + bottom) / 2,
    'text-anchor': 'middle',
    fill: '#666',
  });
}

/** Above the strongest layer's column. */
const strongestNote = (cx: number) =>
  text('strongest separation', {
    x: cx,
    y: plotBox().top - 3,
    'text-anchor': 'middle',
    fill: '#7d6608',
    'font-size': 10,
  });

/** Under the axis: a small grey line (sample sizes, p values) centred on a column. */
const smallNote = (content: string, cx: number, y: number) =>
  text(content, { x: cx, y, 'text-anchor': 'middle', fill: '#555', 'font-size': 9 });

/** A layer's column label and its hallucinated/grounded word counts. */
const layerLabel = (layer: number, cx: number, nHallucinated: number, nGrounded: number) => [
  text(`L${layer}`, { x: cx, y: plotBox().bottom + 14, 'text-anchor': 'middle', fill: '#222' }),
  smallNote(`n ${nHallucinated}/${nGrounded}`, cx, plotBox().bottom + 27),
];

const xAxisTitle = (content: string) => {
  const { left, right } = plotBox();
  return text(content, { x: (left + right) / 2, y: SIZE.height - 4, 'text-anchor': 'middle', fill: '#222' });
};

function chart(
  id: string,
  chartTitle: string,
  entries: readonly { label: string; color: string }[],
  parts: readonly string[],
  csv: string,
): EvidenceChart {
  return {
    id,
    title: chartTitle,
    svg: svgDocument(SIZE.width, SIZE.height, chartTitle, title(chartTitle), legend(entries), ...parts),
    csv,
  };
}

/** Box plots (quartiles, whiskers min–max, mean dot) per layer for hallucinated vs grounded words. */
export function distributionChart(
  tokens: readonly TokenRecord[],
  summary: EvidenceSummary,
  measure: EvidenceMeasure,
  method: MethodGroup,
): EvidenceChart {
  const mine = tokens.filter((r) => method === 'all' || r.method === method);
  const comparison = comparisonOf(summary, measure, method);
  const layers = comparison.layers.map((l) => l.layer);
  const { left, right, top, bottom } = plotBox();
  const x = scaleBand<number>().domain(layers).range([left, right]).paddingInner(0.2).paddingOuter(0.1);
  const inner = scaleBand<'hallucinated' | 'grounded'>()
    .domain(['hallucinated', 'grounded'])
    .range([0, x.bandwidth()])
    .padding(0.15);
  const values = (layer: number, label: 'hallucinated' | 'grounded') =>
    layerValues(mine, measure, layer, label).sort((a, b) => a - b);
  const all = layers.flatMap((l) => [...values(l, 'hallucinated'), ...values(l, 'grounded')]);
  const y = scaleLinear()
    .domain([Math.min(0, min(all) ?? 0), Math.max(max(all) ?? 1, 1e-9)])
    .nice()
    .range([bottom, top]);
  const strongest = comparison.strongestLayer;
  const parts: string[] = [];
  if (strongest !== undefined) {
    parts.push(
      tag('rect', {
        class: 'strongest',
        x: x(strongest)! - (x.step() * x.paddingInner()) / 2,
        y: top,
        width: x.step(),
        height: bottom - top,
        fill: EVIDENCE_COLORS.highlight,
      }),
    );
    parts.push(strongestNote(x(strongest)! + x.bandwidth() / 2));
  }
  parts.push(yAxis(y, SHORT[measure]));
  for (const layer of comparison.layers) {
    for (const label of ['hallucinated', 'grounded'] as const) {
      const sorted = values(layer.layer, label);
      if (!sorted.length) continue;
      const bx = x(layer.layer)! + inner(label)!;
      const w = inner.bandwidth();
      const [q1, q2, q3] = [0.25, 0.5, 0.75].map((q) => quantileSorted(sorted, q)!);
      const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
      const color = EVIDENCE_COLORS[label];
      parts.push(
        tag(
          'g',
          { class: `box box--${label}` },
          tag('line', {
            x1: bx + w / 2,
            x2: bx + w / 2,
            y1: y(sorted[0]),
            y2: y(sorted[sorted.length - 1]),
            stroke: color,
          }),
          tag('rect', {
            x: bx,
            y: y(q3),
            width: w,
            height: Math.max(1, y(q1) - y(q3)),
            fill: color,
            'fill-opacity': 0.35,
            stroke: color,
          }),
          tag('line', { x1: bx, x2: bx + w, y1: y(q2), y2: y(q2), stroke: color, 'stroke-width': 2 }),
          tag('circle', { cx: bx + w / 2, cy: y(mean), r: 2.5, fill: color }),
        ),
      );
    }
    const cx = x(layer.layer)! + x.bandwidth() / 2;
    parts.push(
      ...layerLabel(layer.layer, cx, layer.nHallucinated, layer.nGrounded),
      smallNote(`p ${fmtP(layer.test?.p)}`, cx, bottom + 39),
    );
  }
  parts.push(tag('line', { x1: left, x2: right, y1: bottom, y2: bottom, stroke: '#333' }));
  parts.push(xAxisTitle('decoder layer (n hallucinated/grounded, U-test p)'));
  if (!all.length) parts.push(emptyNote());
  const counts = summary.counts.find((c) => c.method === method)!;
  const name = methodGroupName(method, summaryGroups(summary));
  const chartTitle = `${SHORT[measure]} per decoder layer: hallucinated vs grounded words (${name})`;
  return chart(
    `distribution-${measure}-${method}`,
    chartTitle,
    [
      { label: `hallucinated (${counts.hallucinated} words)`, color: EVIDENCE_COLORS.hallucinated },
      { label: `grounded (${counts.grounded} words)`, color: EVIDENCE_COLORS.grounded },
    ],
    parts,
    tokenRecordsCsv(mine),
  );
}

/** mean(hallucinated) − mean(grounded) per layer with 95% bootstrap intervals, one line per method group. */
export function differenceChart(summary: EvidenceSummary, measure: EvidenceMeasure): EvidenceChart {
  const groups = summaryGroups(summary);
  const comparisons = groups.map((method) => comparisonOf(summary, measure, method));
  const pooled = comparisonOf(summary, measure, 'all');
  const layers = pooled.layers.map((l) => l.layer);
  const { left, right, top, bottom } = plotBox();
  const x = scaleBand<number>().domain(layers).range([left, right]).padding(0.2);
  const offset = scaleBand<MethodGroup>().domain(groups).range([0, x.bandwidth()]).padding(0.3);
  const bounds = comparisons
    .flatMap((c) => c.layers.flatMap((l) => [l.difference.low, l.difference.high, l.difference.estimate]))
    .filter(Number.isFinite);
  const y = scaleLinear()
    .domain([Math.min(0, min(bounds) ?? 0), Math.max(0, max(bounds) ?? 0) || 1e-9])
    .nice()
    .range([bottom, top]);
  const parts: string[] = [
    yAxis(y, `difference (hallucinated − grounded)`),
    tag('line', { x1: left, x2: right, y1: y(0), y2: y(0), stroke: '#333', 'stroke-dasharray': '3 3' }),
  ];
  const strongest = pooled.strongestLayer;
  if (strongest !== undefined) parts.push(strongestNote(x(strongest)! + x.bandwidth() / 2));
  for (const comparison of comparisons) {
    const color = EVIDENCE_COLORS[comparison.method];
    const points = comparison.layers
      .filter((l) => Number.isFinite(l.difference.estimate))
      .map((l) => ({ l, cx: x(l.layer)! + offset(comparison.method)! + offset.bandwidth() / 2 }));
    if (points.length > 1)
      parts.push(
        tag('polyline', {
          points: points
            .map((p) => `${Math.round(p.cx * 100) / 100},${Math.round(y(p.l.difference.estimate) * 100) / 100}`)
            .join(' '),
          fill: 'none',
          stroke: color,
          'stroke-width': 1.5,
        }),
      );
    for (const { l, cx } of points) {
      const significant = (l.test?.p ?? 1) < 0.05;
      if (Number.isFinite(l.difference.low))
        parts.push(tag('line', { x1: cx, x2: cx, y1: y(l.difference.low), y2: y(l.difference.high), stroke: color }));
      parts.push(
        tag('circle', {
          cx,
          cy: y(l.difference.estimate),
          r: 3.5,
          fill: significant ? color : '#ffffff',
          stroke: color,
          'stroke-width': 1.5,
        }),
      );
    }
  }
  for (const layer of layers) {
    const all = pooled.layers[layer];
    parts.push(...layerLabel(layer, x(layer)! + x.bandwidth() / 2, all.nHallucinated, all.nGrounded));
  }
  const pooledName = groups.length === 3 ? 'both methods' : 'all methods';
  parts.push(xAxisTitle(`decoder layer (n hallucinated/grounded, ${pooledName}); filled: U-test p < 0.05`));
  if (!bounds.length) parts.push(emptyNote());
  const chartTitle = `${SHORT[measure]}: hallucinated − grounded per layer, 95% bootstrap CI`;
  const entries = comparisons.map((c) => {
    const counts = summary.counts.find((n) => n.method === c.method)!;
    return {
      label: `${methodGroupName(c.method, groups)} (n ${counts.hallucinated}/${counts.grounded})`,
      color: EVIDENCE_COLORS[c.method],
    };
  });
  return chart(`difference-${measure}`, chartTitle, entries, parts, comparisonsCsv(summary, measure));
}

/** At the pooled strongest layer: each method's mean for hallucinated and grounded words, with n. */
export function methodShiftChart(summary: EvidenceSummary, measure: EvidenceMeasure): EvidenceChart {
  const layer = comparisonOf(summary, measure, 'all').strongestLayer ?? 0;
  const groups = summaryGroups(summary);
  const rows = groups
    .filter((method) => method !== 'all')
    .map((method) => ({ method, at: comparisonOf(summary, measure, method).layers[layer] }));
  const { left, right, top, bottom } = plotBox();
  const x = scaleBand<string>()
    .domain(rows.map((r) => r.method))
    .range([left, right])
    .paddingInner(0.3)
    .paddingOuter(0.2);
  const inner = scaleBand<'hallucinated' | 'grounded'>()
    .domain(['hallucinated', 'grounded'])
    .range([0, x.bandwidth()])
    .padding(0.1);
  const means = rows.flatMap((r) => (r.at ? [r.at.meanHallucinated, r.at.meanGrounded] : [])).filter(Number.isFinite);
  const y = scaleLinear()
    .domain([0, Math.max(max(means) ?? 1, 1e-9)])
    .nice()
    .range([bottom, top]);
  const parts: string[] = [yAxis(y, `mean at layer ${layer}`)];
  for (const { method, at } of rows) {
    const bx = x(method)!;
    const cx = bx + x.bandwidth() / 2;
    if (at) {
      for (const label of ['hallucinated', 'grounded'] as const) {
        const value = label === 'hallucinated' ? at.meanHallucinated : at.meanGrounded;
        if (!Number.isFinite(value)) continue;
        const w = inner.bandwidth();
        parts.push(
          tag('rect', {
            class: `bar bar--${label}`,
            x: bx + inner(label)!,
            y: y(value),
            width: w,
            height: bottom - y(value),
            fill: EVIDENCE_COLORS[label],
          }),
        );
        parts.push(
          text(fmt(value), {
            x: bx + inner(label)! + w / 2,
            y: y(value) - 4,
            'text-anchor': 'middle',
            fill: '#222',
            'font-size': 9,
          }),
        );
      }
    }
    parts.push(
      text(methodGroupName(method, groups), { x: cx, y: bottom + 14, 'text-anchor': 'middle', fill: '#222' }),
      smallNote(`n ${at?.nHallucinated ?? 0}/${at?.nGrounded ?? 0}, p ${fmtP(at?.test?.p)}`, cx, bottom + 27),
    );
  }
  parts.push(tag('line', { x1: left, x2: right, y1: bottom, y2: bottom, stroke: '#333' }));
  parts.push(xAxisTitle('method (n hallucinated/grounded, U-test p)'));
  if (!means.length) parts.push(emptyNote());
  const names = rows.map((r) => methodGroupName(r.method, groups)).join(' vs ');
  const chartTitle = `${SHORT[measure]}: ${names} at layer ${layer} (strongest separation)`;
  const entries = [
    { label: 'hallucinated', color: EVIDENCE_COLORS.hallucinated },
    { label: 'grounded', color: EVIDENCE_COLORS.grounded },
  ];
  return chart(`methods-${measure}`, chartTitle, entries, parts, comparisonsCsv(summary, measure));
}

/** Every chart of the evidence view, in display order; the distributions are of `method` (all pooled by default). */
export function evidenceCharts(
  tokens: readonly TokenRecord[],
  summary: EvidenceSummary,
  method: MethodGroup = 'all',
): EvidenceChart[] {
  return [
    distributionChart(tokens, summary, 'share', method),
    differenceChart(summary, 'share'),
    methodShiftChart(summary, 'share'),
    distributionChart(tokens, summary, 'overlap', method),
    differenceChart(summary, 'overlap'),
    methodShiftChart(summary, 'overlap'),
  ];
}

/** Each method's own distributions (share and overlap), for the files a headless run writes beside the view's. */
export function methodDistributionCharts(tokens: readonly TokenRecord[], summary: EvidenceSummary): EvidenceChart[] {
  return summaryGroups(summary)
    .filter((method) => method !== 'all')
    .flatMap((method) => [
      distributionChart(tokens, summary, 'share', method),
      distributionChart(tokens, summary, 'overlap', method),
    ]);
}
