import type { BenchmarkSummary } from '../core/eval/benchmark';
import type { Progress } from '../core/eval/progress';
import type { WireError } from '../protocol/errors';
import type { WorkerEvent } from '../protocol/messages';
import type { EvalForm, EvalSlice, JudgeConsent } from './eval-state';
import { store } from './store';

const update = (patch: Partial<EvalSlice>) =>
  store.setState({ evaluation: { ...store.getState().evaluation, ...patch } });

export function evalFormChanged(patch: Partial<EvalForm>): void {
  update({ form: { ...store.getState().evaluation.form, ...patch } });
}

export function evalFolderChosen(name: string, files: number): void {
  update({ folder: { name, files }, phase: 'idle', progress: undefined, error: undefined });
}

export function evalKept(kept: number): void {
  update({ kept });
}

export function evalPhase(phase: EvalSlice['phase']): void {
  update({
    phase,
    ...(phase === 'preparing'
      ? { error: undefined, progress: undefined, consent: undefined, judgeProgress: undefined, streaming: undefined }
      : {}),
  });
}

/** What the judge will be sent; with `ask`, the run waits for the person's answer. */
export function evalJudgeCost(consent: JudgeConsent, ask: boolean): void {
  update({ consent, ...(ask ? { phase: 'consent' as const } : {}) });
}

export function evalJudgeProgressed(judgeProgress: Progress): void {
  update({ judgeProgress });
}

/** One more token of a question's answer; counted only while a run is answering (a cancelled call may trail). */
export function evalTokenStreamed(event: Extract<WorkerEvent, { type: 'eval/token' }>): void {
  const { phase, streaming } = store.getState().evaluation;
  if (phase !== 'running' && phase !== 'pausing') return;
  const same = streaming?.question === event.key;
  update({
    streaming: {
      tokens: (streaming?.tokens ?? 0) + 1,
      question: event.key,
      questionTokens: same ? streaming.questionTokens + 1 : 1,
    },
  });
}

export function evalProgressed(progress: Progress): void {
  update({ progress });
}

export function evalFailed(error: WireError): void {
  update({ phase: 'failed', error });
}

/** A finished run's table; it replaces an earlier one of the same benchmark and split. */
export function evalFinished(summary: BenchmarkSummary): void {
  const results = store
    .getState()
    .evaluation.results.filter((r) => !(r.benchmark === summary.benchmark && r.split === summary.split));
  update({ phase: 'done', results: [...results, summary] });
}
