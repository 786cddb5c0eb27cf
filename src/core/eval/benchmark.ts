// A benchmark as data: where its questions come from, the USER_TEXT of each (src/core/damro-spec.md §1.5; the model's
// chat template wraps it), the answer record the reference scripts read, and how those scripts score the answers.
import type { CaptionKind, ComparedMethod, ComparedMethodName } from '../../protocol/messages';
import { LensError } from '../../protocol/errors';
import { METHODS as METHOD_SPECS, methodChoice, type MethodChoice } from '../methods/registry';
import type { Judgement } from './judge';

/** A column of a benchmark run: the two captions every run answers, or a method compared beside them. */
export type Method = CaptionKind | ComparedMethodName;
/** What every run answers; compared methods are added by the run's settings. */
export const METHODS: readonly Method[] = ['baseline', 'damro'];
/**
 * Methods a run may compare beside the captions. DAMRO is not among them: the DAMRO caption is its column, set
 * by the run's α, β and k.
 */
export const COMPARED_METHODS: readonly ComparedMethodName[] = ['vcd', 'm3id', 'avisc', 'ablation'];
const COLUMN_ORDER: readonly Method[] = [...METHODS, ...COMPARED_METHODS];

/** One value per method a run answered; a run without compared methods has only baseline and DAMRO. */
export type PerMethod<T> = Readonly<Partial<Record<Method, T>>>;

/** The methods a per-method value holds, in column order (baseline, DAMRO, then the compared methods). */
export function methodsOf(values: PerMethod<unknown>): Method[] {
  return COLUMN_ORDER.filter((method) => values[method] !== undefined);
}

/** The methods a run with these compared methods answers, in column order. */
export function runMethods(compared: readonly ComparedMethod[] | undefined): Method[] {
  const names = new Set<Method>(compared?.map((m) => m.method));
  return COLUMN_ORDER.filter((method) => METHODS.includes(method) || names.has(method));
}

/** The value of a method a per-method value must hold (the run answered it). */
export function valueOf<T>(values: PerMethod<T>, method: Method): T {
  const value = values[method];
  if (value === undefined) throw new LensError('internal', `No ${method} value where every method has one.`);
  return value;
}

export interface EvalItem {
  /** Unique in the question list; resume, shards and merges key on it. */
  readonly key: string;
  /** The image file as the question list names it. */
  readonly image: string;
  /** A folder the image sits in when names repeat across folders (MME's categories). */
  readonly folder?: string;
  /** USER_TEXT, sent as is. */
  readonly prompt: string;
}

/** One reference answer record (a JSON object per line), exactly the fields the reference driver writes. */
export type AnswerRecord = Readonly<Record<string, string | number>>;

/**
 * The question-list files a split reads, as paths under public/data/ (where the site serves them and the CLI reads them
 * by default).
 */
export type SourceFiles = Readonly<Record<string, string>>;

/** The text of a question-list file the split reads; `what` names the list for the person who must supply it. */
export function sourceText(files: SourceFiles, path: string, what: string): string {
  const text = files[path];
  if (text === undefined) throw new LensError('bad-request', `The ${what} is missing; expected ${path}.`);
  return text;
}

/** A metric table: one row per split or category, each metric per method the run answered. */
export interface MetricRow {
  readonly group: string;
  /** A metric the row does not have (a group total has no acc) is absent. */
  readonly values: Readonly<Record<string, PerMethod<number> | undefined>>;
}

export interface BenchmarkSummary {
  readonly benchmark: string;
  readonly split: string;
  /** Metric names in display order, with how they read ("%, higher is better"). */
  readonly metrics: readonly { readonly name: string; readonly label: string; readonly percent: boolean }[];
  readonly rows: readonly MetricRow[];
  /** Notes a reader needs (rule used, questions answered of the list). */
  readonly notes: readonly string[];
  /** Per-item scores, for benchmarks that score each item (the GPT-4V-aided judge). */
  readonly items?: readonly ItemScores[];
}

/** One item's metric values, or why it has none (it is then left out of the averages). */
export interface ItemScores {
  readonly key: string;
  readonly image: string;
  readonly group: string;
  readonly values?: Readonly<Record<string, PerMethod<number>>>;
  readonly problem?: string;
}

/** What scoring needs besides the answers (CHAIR's extractor and ground truth are large and injected). */
export interface ScoreContext {
  readonly popeRule?: 'damro' | 'official';
  readonly chair?: {
    readonly nodesOf: (caption: string) => readonly string[];
    readonly groundTruth: (imageId: number) => ReadonlySet<string> | undefined;
  };
  /** The judge's verdict per item key (GPT-4V-aided). */
  readonly judgements?: ReadonlyMap<string, Judgement>;
}

export interface Benchmark<I extends EvalItem = EvalItem> {
  readonly name: string;
  readonly label: string;
  readonly splits: readonly string[];
  /** The question-list files of a split, relative to public/data/. */
  sources(split: string): readonly string[];
  /** Items in question-list order from the texts of `sources(split)`, keyed by those paths. */
  parse(files: SourceFiles, split: string): I[];
  /** The record the reference driver writes for one answer. */
  record(item: I, output: string, modelId: string): AnswerRecord;
  /** The item key and the model output of a record read back from an answers file. */
  readRecord(record: Readonly<Record<string, unknown>>, where: string): { key: string; output: string };
  /** Scores complete answers, in item order, the way the reference evaluation script does. */
  // Method syntax: a benchmark of PopeItem is used where a benchmark of EvalItem is expected, and only ever
  // sees the items its own parse made.
  score(
    items: readonly I[],
    outputs: PerMethod<readonly string[]>,
    split: string,
    context: ScoreContext,
  ): BenchmarkSummary;
}

/** The methods a summary has values for, in column order: its table's columns. */
export function summaryMethods(summary: BenchmarkSummary): Method[] {
  const seen: Partial<Record<Method, true>> = {};
  for (const row of summary.rows)
    for (const value of Object.values(row.values)) if (value) for (const m of methodsOf(value)) seen[m] = true;
  return methodsOf(seen);
}

/** A per-method value built method by method. */
export function perMethod<T>(methods: readonly Method[], value: (method: Method) => T): PerMethod<T> {
  return Object.fromEntries(methods.map((method) => [method, value(method)]));
}

/** A method's column heading. */
export function methodLabel(method: Method): string {
  return method === 'baseline' ? 'baseline' : METHOD_SPECS[method].label;
}

/**
 * The compared methods of a benchmark run, checked: each known, with exactly its hyper-parameters in bounds, not
 * DAMRO (its column is the DAMRO caption) and none twice (answers are keyed by method name).
 */
export function comparedChoices(methods: readonly ComparedMethod[]): MethodChoice[] {
  const seen = new Set<string>();
  return methods.map((wire) => {
    if (!(COMPARED_METHODS as readonly string[]).includes(wire.method))
      throw new LensError(
        'bad-request',
        `A benchmark run compares ${COMPARED_METHODS.join(', ')} beside baseline and DAMRO; "${wire.method}" is not one of them${wire.method === 'damro' ? ' (DAMRO always runs: set its α, β and k instead)' : ''}.`,
      );
    if (seen.has(wire.method)) throw new LensError('bad-request', `${wire.method} is asked for twice; name it once.`);
    seen.add(wire.method);
    return methodChoice(wire);
  });
}
