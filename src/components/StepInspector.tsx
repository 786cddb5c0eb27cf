import type { Candidate } from '../protocol/messages';
import { useLens } from '../state/store';

export function Candidates({ title, list, chosen }: { title: string; list: readonly Candidate[]; chosen?: number }) {
  return (
    <table className="candidates">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">Token</th>
          <th scope="col">Score</th>
          <th scope="col">p</th>
        </tr>
      </thead>
      <tbody>
        {list.map((c) => (
          <tr key={c.tokenId} className={c.tokenId === chosen ? 'candidates__chosen' : undefined}>
            <td>
              <code>{JSON.stringify(c.text)}</code>
            </td>
            <td>{Number.isFinite(c.score) ? c.score.toFixed(3) : '−∞'}</td>
            <td>{c.probability.toFixed(3)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** For a DAMRO token: the full branch's, the outlier branch's and the combined top candidates, and the β cutoff. */
export function StepInspector() {
  const ref = useLens((s) => s.ui.hovered ?? s.ui.selected);
  const step = useLens((s) => (ref?.caption === 'damro' ? s.run.steps.find((r) => r.step === ref.step) : undefined));
  const token = useLens((s) => (ref?.caption === 'damro' ? s.run.captions.damro.tokens[ref.step] : undefined));
  const beta = useLens((s) => s.run.recipe?.damro.beta);
  return (
    <section className="view" aria-label="Step inspector">
      <h2>Step inspector</h2>
      {step ? (
        <>
          <p className="view__caption" data-testid="step-summary">
            Step {step.step + 1}: β = {beta} keeps {step.kept} token{step.kept === 1 ? '' : 's'}{' '}
            {step.cutoff === -Infinity
              ? '(every token: no cutoff)'
              : `with full-branch logit ≥ ${step.cutoff.toFixed(3)}`}
            .{step.changed ? ' DAMRO changed the top token here.' : ' DAMRO kept the full branch’s top token.'}
          </p>
          <div className="candidates-row">
            <Candidates title="Full image" list={step.full} chosen={token?.tokenId} />
            <Candidates title="Outliers only" list={step.outlier} chosen={token?.tokenId} />
            <Candidates title="DAMRO combined" list={step.combined} chosen={token?.tokenId} />
          </div>
        </>
      ) : (
        <p className="view__empty">Select a token of the DAMRO caption to see how the contrast chose it.</p>
      )}
    </section>
  );
}
