// The benchmark panel's slice: what is being run, how far it is, and the results kept for this session.
import type { BenchmarkSummary } from '../core/eval/benchmark';
import type { BenchmarkName } from '../core/eval/benchmarks';
import type { EvalSettings } from '../core/eval/presets';
import type { Progress } from '../core/eval/progress';
import type { WireError } from '../protocol/errors';

export interface EvalForm {
  readonly benchmark: BenchmarkName;
  readonly split: string;
  readonly preset: 'paper' | 'custom';
  /** Used when the preset is custom. */
  readonly custom: EvalSettings;
  /** Questions to ask (rounded up to whole images); 0 for all. */
  readonly limit: number;
  readonly popeRule: 'damro' | 'official';
  /** The GPT-4V-aided judge (the key is not here: it stays with the controller, out of the store and its exports). */
  readonly judge: JudgeForm;
}

export interface JudgeForm {
  /** An OpenAI-compatible base URL, e.g. https://api.openai.com/v1 or a local server's http://127.0.0.1:8080/v1. */
  readonly baseUrl: string;
  readonly model: string;
  /** Judge requests at once. */
  readonly concurrency: number;
}

/** What a run is about to send to a judge, shown for the person to agree to before anything is sent. */
export interface JudgeConsent {
  readonly url: string;
  readonly model: string;
  /** Requests at least: one per item still to judge. */
  readonly requests: number;
  readonly images: number;
}

export interface EvalSlice {
  readonly form: EvalForm;
  readonly phase:
    'idle' | 'preparing' | 'consent' | 'running' | 'judging' | 'pausing' | 'paused' | 'done' | 'cancelled' | 'failed';
  readonly folder?: { readonly name: string; readonly files: number };
  readonly progress?: Progress;
  /** Set while the person is asked to agree (phase 'consent') and kept for the run's judging line. */
  readonly consent?: JudgeConsent;
  readonly judgeProgress?: Progress;
  /** Tokens chosen since Start (both captions), and the question they are for, as they stream; undefined before. */
  readonly streaming?: { readonly tokens: number; readonly question: string; readonly questionTokens: number };
  /** Answers this browser keeps for the current settings (a paused or closed run's); undefined until looked up. */
  readonly kept?: number;
  readonly error?: WireError;
  /** Finished runs of this session, newest last; one per benchmark and split (a rerun replaces it). */
  readonly results: readonly BenchmarkSummary[];
}
