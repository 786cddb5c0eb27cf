// Grouped bars for benchmark results: per split or category, one bar per method (baseline, DAMRO, any compared
// method) for one metric. Geometry only (numbers), drawn as SVG by the component and as PNG through a canvas on export.
import { scaleBand, scaleLinear } from 'd3';
import { methodsOf, summaryMethods, type BenchmarkSummary, type Method } from '../core/eval/benchmark';

export interface EvalBar {
  readonly group: string;
  readonly method: Method;
  readonly value: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface EvalBarsLayout {
  readonly bars: readonly EvalBar[];
  readonly groups: readonly { readonly label: string; readonly x: number }[];
  /** The methods with bars, in column order (the legend). */
  readonly methods: readonly Method[];
  readonly max: number;
  readonly plot: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
}

const MARGIN = { top: 10, right: 10, bottom: 40, left: 44 };

/** Rows without the metric (a group total has no acc), methods a row lacks and NaN values are left out. */
export function evalBars(
  summaries: readonly BenchmarkSummary[],
  metric: string,
  width: number,
  height: number,
): EvalBarsLayout {
  const rows = summaries.flatMap((s) => {
    const scale = s.metrics.find((m) => m.name === metric)?.percent ? 100 : 1;
    return s.rows.flatMap((r) => {
      const value = r.values[metric];
      return value
        ? [
            {
              group: summaries.length > 1 && s.rows.length === 1 ? s.split : r.group,
              values: Object.fromEntries(methodsOf(value).map((m) => [m, scale * value[m]!])) as Partial<
                Record<Method, number>
              >,
            },
          ]
        : [];
    });
  });
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: Math.max(0, width - MARGIN.left - MARGIN.right),
    height: Math.max(0, height - MARGIN.top - MARGIN.bottom),
  };
  const methods = methodsOf(Object.fromEntries(summaries.flatMap(summaryMethods).map((m) => [m, true])));
  const finite = rows.flatMap((r) => Object.values(r.values)).filter(Number.isFinite);
  const max = Math.max(1e-9, ...finite);
  const x = scaleBand<string>()
    .domain(rows.map((r) => r.group))
    .range([plot.left, plot.left + plot.width])
    .paddingInner(0.25)
    .paddingOuter(0.1);
  const inner = scaleBand<Method>().domain(methods).range([0, x.bandwidth()]).padding(0.05);
  const y = scaleLinear()
    .domain([0, max])
    .range([plot.top + plot.height, plot.top]);
  const bars = rows.flatMap((r) =>
    methods.flatMap((method) => {
      const value = r.values[method];
      if (value === undefined || !Number.isFinite(value)) return [];
      const top = y(Math.max(0, value));
      return [
        {
          group: r.group,
          method,
          value,
          x: (x(r.group) ?? 0) + (inner(method) ?? 0),
          y: top,
          width: inner.bandwidth(),
          height: plot.top + plot.height - top,
        },
      ];
    }),
  );
  const groups = rows.map((r) => ({ label: r.group, x: (x(r.group) ?? 0) + x.bandwidth() / 2 }));
  return { bars, groups, methods, max, plot };
}
