// A run's life in the store. Events carry their run id; those of a superseded run are dropped, and the first
// events of a new run may arrive before run/start answers, so they adopt the id (see RunSlice.runId).
import type { AttentionStack } from '../core/attention/aggregate';
import type { WireError } from '../protocol/errors';
import type { TextAttentionDetail, WorkerEvent } from '../protocol/messages';
import { emptyCaptions, store, tokenKey, type LensState, type RunRecipe, type TokenRef } from './store';

type EventOf<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;

function accepts(state: LensState, runId: number): boolean {
  const { run } = state;
  if (run.runId !== undefined) return run.runId === runId;
  return run.phase === 'running' && runId > run.staleUpTo;
}

/** Applies `update` to the run when the event belongs to it. */
function forRun(runId: number, update: (state: LensState) => Partial<LensState>): void {
  const state = store.getState();
  if (!accepts(state, runId)) return;
  const patch = update(state);
  store.setState({ ...patch, run: { ...state.run, ...patch.run, runId } });
}

export function runStarting(recipe: RunRecipe): void {
  const { run, ui } = store.getState();
  store.setState({
    run: {
      phase: 'running',
      staleUpTo: Math.max(run.staleUpTo, run.runId ?? 0),
      recipe,
      captions: emptyCaptions,
      steps: [],
    },
    attention: { frames: {}, details: {}, detailErrors: {} },
    ui: { ...ui, selected: undefined, hovered: undefined },
  });
}

export function runStarted(runId: number): void {
  forRun(runId, () => ({}));
}

/**
 * The worker answered a run/start after the page had already asked for a newer run (an image swapped at once):
 * that run's events must not be adopted as the newer run's.
 */
export function runSuperseded(runId: number): void {
  const { run } = store.getState();
  const staleUpTo = Math.max(run.staleUpTo, runId);
  if (run.runId !== runId) {
    store.setState({ run: { ...run, staleUpTo } });
    return;
  }
  // Its early events were adopted as the newer run's: take them back, the newer run is still to come.
  store.setState({
    run: { phase: 'running', staleUpTo, recipe: run.recipe, captions: emptyCaptions, steps: [] },
    attention: { frames: {}, details: {}, detailErrors: {} },
  });
}

export function outliersReceived(e: EventOf<'run/outliers'>): void {
  forRun(e.runId, ({ run }) => ({
    run: { ...run, outliers: { grid: e.grid, scores: e.scores, indices: e.indices, scorer: e.scorer, norms: e.norms } },
  }));
}

export function tokenReceived(e: EventOf<'run/token'>): void {
  forRun(e.runId, ({ run }) => {
    const caption = run.captions[e.caption];
    const tokens = [...caption.tokens, { step: e.step, tokenId: e.tokenId, text: e.text }];
    return { run: { ...run, captions: { ...run.captions, [e.caption]: { ...caption, tokens } } } };
  });
}

export function attentionReceived(e: EventOf<'run/attention'>): void {
  forRun(e.runId, ({ attention }) => ({
    attention: {
      ...attention,
      frames: { ...attention.frames, [tokenKey(e)]: { values: e.values, outlierShare: e.outlierShare } },
    },
  }));
}

/** What the store keeps of a step event: its diagnostics without the run id (and a method's name). */
function stepRecord(e: EventOf<'run/step'> | EventOf<'run/method-step'>) {
  const { step, full, outlier, combined, kept, cutoff, changed } = e;
  return { step, full, outlier, combined, kept, cutoff, changed };
}

export function stepReceived(e: EventOf<'run/step'>): void {
  const record = stepRecord(e);
  forRun(e.runId, ({ run }) => ({ run: { ...run, steps: [...run.steps, record] } }));
}

export function captionDone(e: EventOf<'run/done'>): void {
  forRun(e.runId, ({ run }) => ({
    run: { ...run, captions: { ...run.captions, [e.caption]: { ...run.captions[e.caption], done: e.reason } } },
  }));
}

export function methodTokenReceived(e: EventOf<'run/method-token'>): void {
  forRun(e.runId, ({ run }) => {
    const caption = run.methodCaptions?.[e.method] ?? { tokens: [] };
    const tokens = [...caption.tokens, { step: e.step, tokenId: e.tokenId, text: e.text }];
    return { run: { ...run, methodCaptions: { ...run.methodCaptions, [e.method]: { ...caption, tokens } } } };
  });
}

export function methodStepReceived(e: EventOf<'run/method-step'>): void {
  const record = stepRecord(e);
  forRun(e.runId, ({ run }) => ({
    run: { ...run, methodSteps: { ...run.methodSteps, [e.method]: [...(run.methodSteps?.[e.method] ?? []), record] } },
  }));
}

export function methodEvidenceReceived(e: EventOf<'run/method-evidence'>): void {
  forRun(e.runId, ({ run }) => ({
    run: {
      ...run,
      methodEvidence: {
        ...run.methodEvidence,
        [e.method]: { ...run.methodEvidence?.[e.method], [e.step]: e.measures },
      },
    },
  }));
}

export function methodDone(e: EventOf<'run/method-done'>): void {
  forRun(e.runId, ({ run }) => {
    const caption = run.methodCaptions?.[e.method] ?? { tokens: [] };
    return { run: { ...run, methodCaptions: { ...run.methodCaptions, [e.method]: { ...caption, done: e.reason } } } };
  });
}

export function runFinished(e: EventOf<'run/finished'>): void {
  forRun(e.runId, ({ run }) => ({ run: { ...run, phase: 'finished', timings: e.timings } }));
}

export function runFailed(runId: number | undefined, error: WireError): void {
  const state = store.getState();
  if (runId !== undefined && !accepts(state, runId)) return;
  store.setState({ run: { ...state.run, phase: 'failed', error } });
}

export function detailReceived(runId: number, ref: TokenRef, stack: AttentionStack, text?: TextAttentionDetail): void {
  const key = tokenKey(ref);
  forRun(runId, ({ attention }) => ({
    attention: {
      ...attention,
      details: { ...attention.details, [key]: stack },
      ...(text && {
        texts: {
          ...attention.texts,
          [key]: {
            stack: { data: text.data, layers: text.dims[0], heads: text.dims[1], imageTokens: text.dims[2] },
            prompt: text.prompt,
            imageAt: text.imageAt,
          },
        },
      }),
    },
  }));
}

export function detailFailed(runId: number, ref: TokenRef, message: string): void {
  forRun(runId, ({ attention }) => ({
    attention: { ...attention, detailErrors: { ...attention.detailErrors, [tokenKey(ref)]: message } },
  }));
}
