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
}

export interface EvalSlice {
  readonly form: EvalForm;
  readonly phase: 'idle' | 'preparing' | 'running' | 'pausing' | 'paused' | 'done' | 'cancelled' | 'failed';
  readonly folder?: { readonly name: string; readonly files: number };
  readonly progress?: Progress;
  /** Answers this browser keeps for the current settings (a paused or closed run's); undefined until looked up. */
  readonly kept?: number;
  readonly error?: WireError;
  /** Finished runs of this session, newest last; one per benchmark and split (a rerun replaces it). */
  readonly results: readonly BenchmarkSummary[];
}

/** A picked file with its path inside the picked folder. */
export interface PickedFile {
  readonly path: string;
  readonly file: Blob;
}

/** The benchmark panel's commands (src/app/eval-controller.ts). */
export interface EvalController {
  chooseFolder(name: string, files: readonly PickedFile[]): void;
  /** Looks up how many answers of the current settings are kept (after a reload, a change of settings or model). */
  checkKept(): Promise<void>;
  start(): Promise<void>;
  pause(): void;
  cancel(): Promise<void>;
  /** Forgets the kept answers of the current settings. */
  discard(): Promise<void>;
}
