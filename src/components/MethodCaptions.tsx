import { useState } from 'react';
import type { ContrastView, MainView } from '../core/methods/method';
import { METHODS } from '../core/methods/registry';
import type { ComparedMethodName } from '../protocol/messages';
import { comparedMethods } from '../state/derive';
import { COMPARABLE_METHODS, SETTING_LIMITS } from '../state/settings';
import { useLens } from '../state/store';
import { updateSettings } from '../state/view-actions';
import { Candidates } from './StepInspector';

const STOP: Record<string, string> = {
  eos: 'finished',
  'max-tokens': 'stopped at max tokens',
  'position-limit': 'stopped at the model’s position limit',
  cancelled: 'stopped',
};

const MAIN_TITLES: Record<MainView, string> = {
  'full-image': 'Full image',
  'image-minus-outliers': 'Image without its outliers',
};
const CONTRAST_TITLES: Record<ContrastView, string> = {
  none: '',
  'outlier-tokens': 'Outliers only',
  'noised-image': 'Noised image',
  'no-image': 'No image',
  'blind-tokens': 'Blind tokens only',
};

function describeParams(params: Readonly<Record<string, number>>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name} ${value}`)
    .join(' · ');
}

/**
 * Other contrastive decoders beside the baseline and DAMRO: choose up to three and their hyper-parameters (their
 * papers' defaults to start with); each is decoded in the same loop, its caption streaming beside the others with its
 * source and parameters.
 */
export function MethodCaptions() {
  const chosen = useLens((s) => s.settings.methods);
  const methodParams = useLens((s) => s.settings.methodParams);
  const current = comparedMethods({ methods: chosen, methodParams }) ?? [];
  const run = useLens((s) => s.run);
  const ran = run.recipe?.methods ?? [];
  const [inspected, inspect] = useState<{ method: ComparedMethodName; step: number }>();
  const toggle = (method: ComparedMethodName, on: boolean) =>
    updateSettings({
      methods: on ? [...chosen, method] : chosen.filter((m) => m !== method),
    });
  // A value the method refuses is kept as typed; the run then fails with the method's own message naming it.
  const setParam = (method: ComparedMethodName, name: string, raw: string) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) return;
    updateSettings({ methodParams: { ...methodParams, [method]: { ...methodParams[method], [name]: value } } });
  };

  return (
    <section className="captions captions--methods" aria-label="Compared methods">
      <fieldset className="methods__choice">
        <legend>Compare with (up to {SETTING_LIMITS.methods}, applied on the next run)</legend>
        {COMPARABLE_METHODS.map((method) => {
          const on = chosen.includes(method);
          return (
            <label key={method} title={`${METHODS[method].citation.authors}, ${METHODS[method].citation.venue}`}>
              <input
                type="checkbox"
                checked={on}
                disabled={!on && chosen.length >= SETTING_LIMITS.methods}
                onChange={(event) => toggle(method, event.target.checked)}
              />{' '}
              {METHODS[method].label}
            </label>
          );
        })}
        {current.map(({ method, params }) => (
          <p key={method} className="methods__params" data-testid={`method-params-${method}`}>
            {METHODS[method].label}:{' '}
            {Object.entries(params).map(([name, value]) => (
              <label key={name}>
                {name}{' '}
                <input
                  type="number"
                  step="any"
                  value={value}
                  aria-label={`${METHODS[method].label} ${name}`}
                  onChange={(event) => setParam(method, name, event.target.value)}
                />{' '}
              </label>
            ))}
          </p>
        ))}
      </fieldset>
      {ran.map(({ method, params }) => {
        const spec = METHODS[method];
        const state = run.methodCaptions?.[method] ?? { tokens: [] };
        const streaming = run.phase === 'running' && !state.done;
        return (
          <article
            key={method}
            className={`caption caption--${method}`}
            data-method={method}
            data-done={state.done ?? ''}
            aria-busy={streaming}
          >
            <header className="caption__head">
              <h2>{spec.label}</h2>
              <span className="caption__state">{state.done ? STOP[state.done] : streaming ? 'writing…' : ''}</span>
            </header>
            <p className="caption__text" data-testid={`method-caption-${method}`}>
              {state.tokens.map((token) => (
                <span
                  key={token.step}
                  className="token"
                  role="button"
                  tabIndex={0}
                  aria-pressed={inspected?.method === method && inspected.step === token.step}
                  onClick={() => inspect({ method, step: token.step })}
                  onKeyDown={(event) => event.key === 'Enter' && inspect({ method, step: token.step })}
                >
                  {token.text}
                </span>
              ))}
            </p>
            {inspected?.method === method && (
              <MethodStep method={method} step={inspected.step} tokenId={state.tokens[inspected.step]?.tokenId} />
            )}
            <p className="captions__meta">
              <a href={spec.citation.url} target="_blank" rel="noreferrer">
                {spec.citation.authors}, {spec.citation.venue}
              </a>
              {Object.keys(params).length > 0 && ` · ${describeParams(params)}`}
            </p>
          </article>
        );
      })}
    </section>
  );
}

/** A compared method's top candidates at one step: its main branch, its contrast branch (if any), the combination. */
function MethodStep({ method, step, tokenId }: { method: ComparedMethodName; step: number; tokenId?: number }) {
  const record = useLens((s) => s.run.methodSteps?.[method]?.find((r) => r.step === step));
  const spec = METHODS[method];
  if (!record) return <p className="view__empty">No candidates were recorded for this token.</p>;
  return (
    <div className="candidates-row" data-testid={`method-step-${method}`}>
      <Candidates title={MAIN_TITLES[spec.main]} list={record.full} chosen={tokenId} />
      {spec.contrast !== 'none' && (
        <Candidates title={CONTRAST_TITLES[spec.contrast]} list={record.outlier} chosen={tokenId} />
      )}
      <Candidates title={`${spec.label} combined`} list={record.combined} chosen={tokenId} />
    </div>
  );
}
