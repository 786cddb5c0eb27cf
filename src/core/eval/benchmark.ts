// A benchmark as data: where its questions come from, the USER_TEXT of each (src/core/damro-spec.md §1.5; the model's
// chat template wraps it), the answer record the reference scripts read, and how those scripts score the answers.
import { LensError } from '../../protocol/errors';
import type { CaptionKind } from '../../protocol/messages';
import type { Judgement } from './judge';

export type Method = CaptionKind;
export const METHODS: readonly Method[] = ['baseline', 'damro'];

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

/** A metric table: one row per split or category, each metric for the baseline and for DAMRO. */
export interface MetricRow {
  readonly group: string;
  /** A metric the row does not have (a group total has no acc) is absent. */
  readonly values: Readonly<Record<string, Readonly<Record<Method, number>> | undefined>>;
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
  readonly values?: Readonly<Record<string, Readonly<Record<Method, number>>>>;
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
    outputs: Readonly<Record<Method, readonly string[]>>,
    split: string,
    context: ScoreContext,
  ): BenchmarkSummary;
}
