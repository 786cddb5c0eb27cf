import type { ObjectMatcher } from '../core/caption-objects/matcher';
import { simpleObjectMatcher } from '../core/caption-objects/simple-matcher';
import type { CaptionKind } from '../protocol/messages';
import { useLens } from '../state/store';
import { CaptionTokens } from './CaptionTokens';
import { ErrorNotice } from './ErrorNotice';

const TITLES: Record<CaptionKind, string> = { baseline: 'Baseline', damro: 'DAMRO' };
const STOP: Record<string, string> = { eos: 'finished', 'max-tokens': 'stopped at max tokens', cancelled: 'stopped' };

/** Baseline and DAMRO captions side by side, streaming; the boxes keep their size so nothing jumps. */
export function CaptionPair({ matcher = simpleObjectMatcher }: { matcher?: ObjectMatcher }) {
  const run = useLens((s) => s.run);
  const selected = useLens((s) => s.ui.selected);
  const groundTruth = useLens((s) => s.ui.groundTruth);
  const recipe = run.recipe;

  return (
    <section className="captions" aria-label="Captions">
      {(['baseline', 'damro'] as const).map((kind) => {
        const state = run.captions[kind];
        const streaming = run.phase === 'running' && !state.done;
        return (
          <article key={kind} className={`caption caption--${kind}`} data-caption={kind} data-done={state.done ?? ''} aria-busy={streaming}>
            <header className="caption__head">
              <h2>{TITLES[kind]}</h2>
              <span className="caption__state">{state.done ? STOP[state.done] : streaming ? 'writing…' : ''}</span>
            </header>
            <CaptionTokens caption={kind} state={state} selectedStep={selected?.caption === kind ? selected.step : undefined} matcher={matcher} groundTruth={groundTruth} />
          </article>
        );
      })}
      <p className="captions__meta">
        {recipe
          ? `α ${recipe.alpha} · β ${recipe.beta} · k ${recipe.k} · ${recipe.mode === 'greedy' ? 'greedy' : `sampling, seed ${recipe.seed}`} · max ${recipe.maxNewTokens} tokens`
          : 'Load a model and drop an image to see its captions.'}
        {run.timings && ` · vision ${run.timings.visionMs.toFixed(0)} ms, decode ${run.timings.decodeMs.toFixed(0)} ms for ${run.timings.steps} steps`}
      </p>
      <p className="legend" aria-label="Object word legend">
        <span className="token token--grounded">grounded</span> <span className="token token--hallucinated">hallucinated</span> <span className="token token--unverifiable">unverifiable</span>
      </p>
      {run.phase === 'failed' && run.error && <ErrorNotice error={run.error} fallbackTitle="The run failed" />}
    </section>
  );
}
