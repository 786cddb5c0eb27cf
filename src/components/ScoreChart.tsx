import { sortedScoreChart } from '../viz/scales';

const SIZE = { width: 320, height: 120 };

/** The CLS scores sorted high to low, top k highlighted: how peaked the encoder's attention is. */
export function ScoreChart({ scores, k }: { scores: Float32Array; k: number }) {
  const chart = sortedScoreChart(scores, Math.min(k, scores.length), SIZE);
  const { plot } = chart;
  const top = chart.bars.slice(0, k).reduce((sum, b) => sum + b.value, 0);
  const total = chart.bars.reduce((sum, b) => sum + b.value, 0);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${SIZE.width} ${SIZE.height}`}
        role="img"
        aria-label={`Sorted outlier scores; the top ${k} hold ${total > 0 ? ((100 * top) / total).toFixed(1) : 0}% of the total`}
      >
        {chart.bars.map((b) => (
          <rect
            key={b.rank}
            x={b.x}
            y={b.y}
            width={Math.max(b.width - 0.5, 0.5)}
            height={b.height}
            className={b.highlighted ? 'chart__bar chart__bar--top' : 'chart__bar'}
          />
        ))}
        <line x1={chart.kBoundaryX} x2={chart.kBoundaryX} y1={plot.y} y2={plot.y + plot.height} className="chart__k" />
        {chart.yTicks.map((t) => (
          <text
            key={t.label}
            x={plot.x - 4}
            y={t.position}
            className="chart__tick"
            textAnchor="end"
            dominantBaseline="middle"
          >
            {t.label}
          </text>
        ))}
        {chart.xTicks.map((t) => (
          <text key={t.label} x={t.position} y={plot.y + plot.height + 14} className="chart__tick" textAnchor="middle">
            {t.label}
          </text>
        ))}
      </svg>
      <figcaption>
        Sorted scores by rank; the top {k} (highlighted) hold {total > 0 ? ((100 * top) / total).toFixed(1) : '0'}% of
        the total.
      </figcaption>
    </figure>
  );
}
