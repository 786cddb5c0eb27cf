import { useState } from 'react';
import { methodLabel, summaryMethods, type BenchmarkSummary, type Method } from '../core/eval/benchmark';
import { summariesCsv } from '../core/eval/export';
import { evalBars } from '../viz/eval-bars';
import { useLens } from '../state/store';
import { download } from './download';
import { Gpt4vDetails } from './Gpt4vDetails';

const WIDTH = 520;
const HEIGHT = 220;
const COLOURS: Readonly<Record<Method, string>> = {
  baseline: '#8a8f98',
  damro: '#2f7be5',
  vcd: '#e5892f',
  m3id: '#3aa36b',
  avisc: '#b04fc4',
  ablation: '#c4434f',
};

/** "baseline and DAMRO", "baseline, DAMRO and VCD". */
const spoken = (names: readonly string[]) =>
  names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names.join('');

const cell = (value: number | undefined, percent: boolean) =>
  value === undefined || Number.isNaN(value) ? 'n/a' : percent ? (100 * value).toFixed(2) : value.toFixed(2);

function savePng(svg: SVGSVGElement | null, name: string): void {
  if (!svg) return;
  const image = new Image();
  image.onload = () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 2 * WIDTH, height: 2 * HEIGHT });
    const context = canvas.getContext('2d');
    if (!context) return;
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => blob && download(blob, name), 'image/png');
  };
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
}

function Table({ summary }: { summary: BenchmarkSummary }) {
  const methods = summaryMethods(summary);
  return (
    <table className="eval__table">
      <caption>{`${summary.benchmark.toUpperCase()} ${summary.split} — ${summary.notes.join('; ')}`}</caption>
      <thead>
        <tr>
          <th scope="col">{summary.rows.length > 1 ? 'group' : 'split'}</th>
          {summary.metrics.map((m) => (
            <th key={m.name} scope="col" colSpan={methods.length}>
              {m.label}
            </th>
          ))}
        </tr>
        <tr>
          <th />
          {summary.metrics.map((m) =>
            methods.map((method) => (
              <th key={`${m.name}-${method}`} scope="col">
                {methodLabel(method)}
              </th>
            )),
          )}
        </tr>
      </thead>
      <tbody>
        {summary.rows.map((row) => (
          <tr key={row.group}>
            <th scope="row">{row.group}</th>
            {summary.metrics.map((m) =>
              methods.map((method) => (
                <td key={`${m.name}-${method}`}>{cell(row.values[m.name]?.[method], m.percent)}</td>
              )),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Baseline vs DAMRO per split or category: tables, a bar chart of one metric, and CSV/JSON/PNG exports. */
export function EvalResults() {
  const results = useLens((s) => s.evaluation.results);
  const model = useLens((s) => s.model.info?.id ?? 'this model');
  const [benchmark, setBenchmark] = useState<string>();
  const [metric, setMetric] = useState<string>();
  const [svg, setSvg] = useState<SVGSVGElement | null>(null);
  if (results.length === 0) return null;
  const shown =
    benchmark && results.some((r) => r.benchmark === benchmark) ? benchmark : results[results.length - 1].benchmark;
  const summaries = results.filter((r) => r.benchmark === shown);
  const metrics = summaries[0].metrics;
  const chosen = metric && metrics.some((m) => m.name === metric) ? metric : metrics[0].name;
  const layout = evalBars(summaries, chosen, WIDTH, HEIGHT);
  const stamp = `damro-lens-${shown}`;

  return (
    <div className="eval__results" aria-label="Benchmark results">
      <div className="row">
        <label>
          Results of
          <select value={shown} onChange={(e) => setBenchmark(e.target.value)}>
            {[...new Set(results.map((r) => r.benchmark))].map((b) => (
              <option key={b} value={b}>
                {b.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Chart
          <select value={chosen} onChange={(e) => setMetric(e.target.value)}>
            {metrics.map((m) => (
              <option key={m.name} value={m.name}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {summaries.map((s) => (
        <Table key={s.split} summary={s} />
      ))}
      {summaries.map((s) => s.items && <Gpt4vDetails key={`${s.split}-items`} summary={s} model={model} />)}
      <svg
        ref={setSvg}
        xmlns="http://www.w3.org/2000/svg"
        width={WIDTH}
        height={HEIGHT}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${metrics.find((m) => m.name === chosen)?.label}: ${spoken(layout.methods.map(methodLabel))}`}
      >
        <line
          x1={layout.plot.left}
          x2={layout.plot.left + layout.plot.width}
          y1={layout.plot.top + layout.plot.height}
          y2={layout.plot.top + layout.plot.height}
          stroke="currentColor"
        />
        <text x={4} y={layout.plot.top + 10} fontSize={10} fill="currentColor">
          {layout.max.toFixed(1)}
        </text>
        {layout.bars.map((bar) => (
          <rect
            key={`${bar.group}-${bar.method}`}
            x={bar.x}
            y={bar.y}
            width={bar.width}
            height={bar.height}
            fill={COLOURS[bar.method]}
          >
            <title>{`${bar.group} ${bar.method}: ${bar.value.toFixed(2)}`}</title>
          </rect>
        ))}
        {layout.groups.map((g) => (
          <text key={g.label} x={g.x} y={HEIGHT - 24} fontSize={10} textAnchor="middle" fill="currentColor">
            {g.label}
          </text>
        ))}
        {layout.methods.map((method, i) => (
          <g key={method}>
            <rect x={layout.plot.left + 70 * i} y={HEIGHT - 14} width={10} height={10} fill={COLOURS[method]} />
            <text x={layout.plot.left + 70 * i + 14} y={HEIGHT - 5} fontSize={10} fill="currentColor">
              {methodLabel(method)}
            </text>
          </g>
        ))}
      </svg>
      <div className="row">
        <button
          type="button"
          className="button"
          onClick={() => download(new Blob([summariesCsv(results)], { type: 'text/csv' }), 'damro-lens-benchmarks.csv')}
        >
          Results as CSV
        </button>
        <button
          type="button"
          className="button"
          onClick={() =>
            download(
              new Blob(
                [JSON.stringify(results, (_, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? null : v), 1)],
                { type: 'application/json' },
              ),
              'damro-lens-benchmarks.json',
            )
          }
        >
          Results as JSON
        </button>
        <button type="button" className="button" onClick={() => savePng(svg, `${stamp}-${chosen}.png`)}>
          Chart as PNG
        </button>
      </div>
    </div>
  );
}
