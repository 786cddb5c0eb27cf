import type { BenchmarkSummary } from '../core/eval/benchmark';
import { formatAD, gpt4vComparison } from '../core/eval/gpt4v-benchmark';

const score = (value: number | undefined) => (value === undefined ? '' : String(value));

/** The paper's GPT-4V-aided table with this run as its last row, and every item's scores or why it has none. */
export function Gpt4vDetails({ summary, model }: { summary: BenchmarkSummary; model: string }) {
  return (
    <>
      <table className="eval__table">
        <caption>GPT-4V-aided: accuracy / detailedness (1–10) as the paper reports them</caption>
        <thead>
          <tr>
            <th scope="col">model</th>
            <th scope="col">Original A / D</th>
            <th scope="col">DAMRO A / D</th>
          </tr>
        </thead>
        <tbody>
          {gpt4vComparison(summary, model).map((row) => (
            <tr key={`${row.model}-${row.source}`}>
              <th scope="row">{`${row.model} (${row.source})`}</th>
              <td>{formatAD(row.original)}</td>
              <td>{formatAD(row.damro)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>Per-item judge scores</summary>
        <table className="eval__table">
          <caption>GPT-4V-aided per item</caption>
          <thead>
            <tr>
              <th scope="col">image</th>
              <th scope="col">type</th>
              <th scope="col">A baseline</th>
              <th scope="col">A DAMRO</th>
              <th scope="col">D baseline</th>
              <th scope="col">D DAMRO</th>
            </tr>
          </thead>
          <tbody>
            {(summary.items ?? []).map((item) => (
              <tr key={item.key}>
                <th scope="row">{item.image}</th>
                <td>{item.group}</td>
                {item.values ? (
                  [item.values.accuracy, item.values.detailedness].flatMap((v, i) => [
                    <td key={`${i}b`}>{score(v?.baseline)}</td>,
                    <td key={`${i}d`}>{score(v?.damro)}</td>,
                  ])
                ) : (
                  <td colSpan={4} className="eval__problem">{`no scores: ${item.problem ?? ''}`}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}
