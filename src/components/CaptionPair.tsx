import { useEffect, useRef } from 'react';
import { compareCaptions } from '../core/labels/compare';
import type { CaptionLabels } from '../core/caption-objects/matcher';
import type { CaptionKind } from '../protocol/messages';
import { captionLabels, groundTruthPending } from '../state/labels-derive';
import { store, useLens } from '../state/store';
import { selectToken } from '../state/view-actions';
import { CaptionTokens } from './CaptionTokens';
import { ShareStrip } from './ShareStrip';
import { ErrorNotice } from './ErrorNotice';

const TITLES: Record<CaptionKind, string> = { baseline: 'Baseline', damro: 'DAMRO' };
const STOP: Record<string, string> = {
  eos: 'finished',
  'max-tokens': 'stopped at max tokens',
  'position-limit': 'stopped at the model’s position limit, before max tokens',
  cancelled: 'stopped',
};

const num = (v: number, digits = 2) => (Number.isNaN(v) ? 'n/a' : v.toFixed(digits));
const signed = (v: number, digits = 2) =>
  Number.isNaN(v) ? 'n/a' : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(digits)}`;

function LabelSummary({
  kind,
  labels,
  labelling,
  pending,
}: {
  kind: CaptionKind;
  labels: CaptionLabels | undefined;
  labelling: boolean;
  pending: boolean;
}) {
  if (!labels)
    return (
      <p className="caption__labels" data-testid={`labels-${kind}`}>
        {labelling ? 'labelling…' : ''}
      </p>
    );
  const { counts, scores } = labels;
  if (counts.unchecked > 0 || pending) {
    return (
      <p className="caption__labels" data-testid={`labels-${kind}`} data-pending={pending}>
        {counts.unchecked} object word{counts.unchecked === 1 ? '' : 's'}{' '}
        {pending ? 'checking… (finding the objects in the image)' : 'not checked: no ground truth for this image'} ·{' '}
        {counts.unverifiable} unverifiable
      </p>
    );
  }
  return (
    <p className="caption__labels" data-testid={`labels-${kind}`}>
      {counts.grounded} grounded · {counts.hallucinated} hallucinated · {counts.unverifiable} unverifiable · CHAIR
      <sub>s</sub> {num(scores.chairS, 0)} · CHAIR<sub>i</sub> {num(scores.chairI)}
    </p>
  );
}

function Difference({ baseline, damro }: { baseline: CaptionLabels; damro: CaptionLabels }) {
  const d = compareCaptions(baseline, damro);
  return (
    <p className="captions__meta" data-testid="labels-diff">
      DAMRO vs baseline: hallucinated {signed(d.hallucinatedDelta, 0)}, grounded {signed(d.groundedDelta, 0)}, CHAIR
      <sub>s</sub> {signed(d.chairSDelta, 0)}, CHAIR<sub>i</sub> {signed(d.chairIDelta)}
      {d.removedHallucinations.length > 0 && ` · removed: ${d.removedHallucinations.join(', ')}`}
      {d.introducedHallucinations.length > 0 && ` · introduced: ${d.introducedHallucinations.join(', ')}`}
    </p>
  );
}

/** Baseline and DAMRO captions side by side, streaming; the boxes keep their size so nothing jumps. */
export function CaptionPair() {
  const run = useLens((s) => s.run);
  const selected = useLens((s) => s.ui.selected);
  const labelling = useLens((s) => s.labels.labeller.phase === 'loading');
  const baseline = useLens((s) => captionLabels(s, 'baseline'));
  const damro = useLens((s) => captionLabels(s, 'damro'));
  const pending = useLens(groundTruthPending);
  const labels = { baseline, damro };
  const recipe = run.recipe;
  const bothDone = Boolean(run.captions.baseline.done && run.captions.damro.done);
  const section = useRef<HTMLElement>(null);
  const started = run.phase === 'running' && run.runId === undefined;
  useEffect(() => {
    // On a phone the control that started the run is far below the captions' place at the top: bring them in.
    if (started && window.matchMedia?.('(max-width: 50rem)').matches)
      section.current?.scrollIntoView({ block: 'start' });
  }, [started]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && store.getState().ui.selected) selectToken(undefined);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <section className="captions" aria-label="Captions" ref={section}>
      {(['baseline', 'damro'] as const).map((kind) => {
        const state = run.captions[kind];
        const streaming = run.phase === 'running' && !state.done;
        return (
          <article
            key={kind}
            className={`caption caption--${kind}`}
            data-caption={kind}
            data-done={state.done ?? ''}
            aria-busy={streaming}
          >
            <header className="caption__head">
              <h2>{TITLES[kind]}</h2>
              <span className="caption__state">{state.done ? STOP[state.done] : streaming ? 'writing…' : ''}</span>
            </header>
            <CaptionTokens
              caption={kind}
              state={state}
              selectedStep={selected?.caption === kind ? selected.step : undefined}
              labels={labels[kind]}
              pending={pending}
            />
            <ShareStrip caption={kind} />
            {state.tokens.length > 0 && (
              <LabelSummary kind={kind} labels={labels[kind]} labelling={labelling} pending={pending} />
            )}
          </article>
        );
      })}
      {bothDone && baseline && damro && !pending && baseline.counts.unchecked + damro.counts.unchecked === 0 && (
        <Difference baseline={baseline} damro={damro} />
      )}
      <p className="captions__meta">
        {recipe
          ? `α ${recipe.damro.alpha} · β ${recipe.damro.beta} · k ${recipe.damro.k} · ${recipe.mode === 'greedy' ? 'greedy' : `sampling, seed ${recipe.seed}`} · max ${recipe.maxNewTokens} tokens`
          : 'Load a model and drop an image to see its captions.'}
        {run.timings &&
          ` · vision ${run.timings.visionMs.toFixed(0)} ms, decode ${run.timings.decodeMs.toFixed(0)} ms for ${run.timings.steps} steps`}
      </p>
      <p className="legend" aria-label="Object word legend">
        <span className="token token--grounded">grounded</span>{' '}
        <span className="token token--hallucinated">hallucinated</span>{' '}
        <span className="token token--unverifiable">unverifiable (not a CHAIR object)</span>{' '}
        <span className="token token--checking">checking…</span>
      </p>
      {run.phase === 'failed' && run.error && <ErrorNotice error={run.error} fallbackTitle="The run failed" />}
    </section>
  );
}
