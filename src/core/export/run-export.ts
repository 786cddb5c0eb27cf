// The JSON a person downloads to keep or share a run: settings, model, image size, both captions token by
// token with each token's aggregated attention, the outliers and the per-step contrast. Versioned so a
// later reader can refuse (or migrate) what it does not understand; validateRunExport is the schema.
import type {
  Candidate,
  CaptionKind,
  ComparedMethodName,
  Dtype,
  ModelInfo,
  OutlierScorerInfo,
  StopReason,
} from '../../protocol/messages';

export const RUN_EXPORT_SCHEMA_VERSION = 1;
export const RUN_EXPORT_KIND = 'damro-lens/run';

export interface ExportedToken {
  readonly step: number;
  readonly tokenId: number;
  readonly text: string;
  /** Share of this token's image attention on the outlier patches (null: no attention arrived or none on the image). */
  readonly outlierShare: number | null;
  /** One value per image token (row-major over the token grid), the run's layer/head selection; null when absent. */
  readonly attention: readonly number[] | null;
}

export interface ExportedCaption {
  readonly text: string;
  readonly stopReason: StopReason | null;
  readonly tokens: readonly ExportedToken[];
}

export interface ExportedStep {
  readonly step: number;
  readonly kept: number;
  /** null: −∞ (β = 0 keeps every token), which JSON cannot write. */
  readonly cutoff: number | null;
  readonly changed: boolean;
  readonly full: readonly Candidate[];
  readonly outlier: readonly Candidate[];
  readonly combined: readonly Candidate[];
}

/** A labelled word of a caption: its span in the caption text, its CHAIR node word and why it is grounded. */
export interface ExportedWordLabel {
  readonly kind: 'grounded' | 'hallucinated' | 'unverifiable' | 'unchecked';
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** The COCO node word; null for an unverifiable noun. */
  readonly node: string | null;
  /** A grounded word's evidence; null otherwise. */
  readonly evidence: ExportedEvidence | null;
}

export type ExportedEvidence =
  | { readonly kind: 'coco-annotations'; readonly imageId: number }
  | { readonly kind: 'user-list'; readonly entry: string }
  | {
      readonly kind: 'detector';
      readonly detections: readonly {
        readonly label: string;
        readonly confidence: number;
        readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
      }[];
    };

export interface ExportedCaptionLabels {
  readonly words: readonly ExportedWordLabel[];
  readonly counts: {
    readonly grounded: number;
    readonly hallucinated: number;
    readonly unverifiable: number;
    readonly unchecked: number;
  };
  /** This caption's CHAIR values; null where undefined (no mention, no ground truth). */
  readonly chair: { readonly chairS: number | null; readonly chairI: number | null; readonly recall: number | null };
}

/** The object labels of both captions and the ground truth they were checked against. */
export interface ExportedLabels {
  /** Where the ground truth came from; null when none was known when exported (then every mention is unchecked). */
  readonly source: 'coco-annotations' | 'user-list' | 'detector' | null;
  readonly objects: readonly { readonly node: string; readonly evidence: ExportedEvidence }[];
  readonly captions: Readonly<Record<CaptionKind, ExportedCaptionLabels>>;
}

/** A method compared beside the captions (src/core/damro-spec.md §8): what ran, its source, and its caption. */
export interface ExportedMethodCaption {
  readonly method: ComparedMethodName;
  readonly label: string;
  /** The paper the method comes from. */
  readonly source: string;
  readonly params: Readonly<Record<string, number>>;
  /** Its tokens carry no attention: only the captions stream it. */
  readonly caption: ExportedCaption;
}

export interface RunExportV1 {
  readonly schemaVersion: 1;
  readonly kind: typeof RUN_EXPORT_KIND;
  readonly model: {
    readonly id: string;
    /** The dtype asked for. */
    readonly dtype: Dtype;
    /** What each session actually loaded (absent in exports from before it was recorded). */
    readonly sessionDtypes?: ModelInfo['sessionDtypes'];
    readonly backend: ModelInfo['backend'];
    readonly family: string;
    readonly synthetic: boolean;
    readonly tokenGrid: { readonly rows: number; readonly cols: number };
    readonly decoder: { readonly layers: number; readonly heads: number };
    readonly processor: ModelInfo['processor'];
    /** The CPU backend's expansion of n-bit decoder weights (absent on WebGPU, without them, and in older exports). */
    readonly cpuWeights?: ModelInfo['cpuWeights'];
  };
  /** faithful false means an adapted outlier score, not the paper's. */
  readonly scorer: OutlierScorerInfo;
  readonly settings: {
    readonly alpha: number;
    readonly beta: number;
    readonly k: number;
    readonly mode: 'greedy' | 'sample';
    readonly seed: number | null;
    readonly maxNewTokens: number;
    readonly prompt: string;
    readonly attention: { readonly layerFrom: number; readonly layerTo: number; readonly head: 'mean' | number };
  };
  readonly image: { readonly name: string; readonly mime: string; readonly width: number; readonly height: number };
  readonly outliers: { readonly indices: readonly number[]; readonly scores: readonly number[] };
  readonly captions: Readonly<Record<CaptionKind, ExportedCaption>>;
  readonly steps: readonly ExportedStep[];
  /** Node words of the ground truth the captions were labelled against (empty when none was known). */
  readonly groundTruth: readonly string[];
  /** Added within version 1: older exports lack it. */
  readonly labels?: ExportedLabels;
  /** Added within version 1: present when methods were compared beside the captions. */
  readonly methods?: readonly ExportedMethodCaption[];
}

type Check = (value: unknown, path: string, errors: string[]) => void;

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;

const is =
  (test: (v: unknown) => boolean, expected: string): Check =>
  (value, path, errors) => {
    if (!test(value))
      errors.push(
        `${path}: expected ${expected}, got ${describe(value)}${typeof value === 'number' || typeof value === 'string' ? ` ${JSON.stringify(value)}` : ''}`,
      );
  };

const finite = is((v) => typeof v === 'number' && Number.isFinite(v), 'a finite number');
const integer = (min: number): Check => is((v) => Number.isInteger(v) && (v as number) >= min, `an integer ≥ ${min}`);
const text = is((v) => typeof v === 'string', 'a string');
const nonEmpty = is((v) => typeof v === 'string' && v.length > 0, 'a non-empty string');
const bool = is((v) => typeof v === 'boolean', 'a boolean');
const literal = (...allowed: readonly unknown[]): Check =>
  is((v) => allowed.includes(v), allowed.map((a) => JSON.stringify(a)).join(' or '));
const fraction = is((v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number in [0, 1]');

const nullable =
  (check: Check): Check =>
  (value, path, errors) => {
    if (value !== null) check(value, path, errors);
  };

const array =
  (item: Check): Check =>
  (value, path, errors) => {
    if (!Array.isArray(value)) return void errors.push(`${path}: expected an array, got ${describe(value)}`);
    value.forEach((v, i) => item(v, `${path}[${i}]`, errors));
  };

/** Checks whose key may be absent. */
const optionalChecks = new WeakSet<Check>();
const optional = (check: Check): Check => {
  const wrapped: Check = (value, path, errors) => check(value, path, errors);
  optionalChecks.add(wrapped);
  return wrapped;
};

/**
 * Every listed key must be present unless optional (extra keys are refused: they signal a different schema version).
 */
const object =
  (shape: Readonly<Record<string, Check>>): Check =>
  (value, path, errors) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return void errors.push(`${path}: expected an object, got ${describe(value)}`);
    const record = value as Record<string, unknown>;
    for (const [key, check] of Object.entries(shape)) {
      if (key in record) check(record[key], `${path}.${key}`, errors);
      else if (!optionalChecks.has(check)) errors.push(`${path}.${key}: missing`);
    }
    for (const key of Object.keys(record))
      if (!(key in shape)) errors.push(`${path}.${key}: not part of schema version ${RUN_EXPORT_SCHEMA_VERSION}`);
  };

const candidate = object({
  tokenId: integer(0),
  text,
  score: is((v) => typeof v === 'number', 'a number'),
  probability: fraction,
});

const caption = object({
  text,
  stopReason: nullable(literal('eos', 'max-tokens', 'position-limit', 'cancelled')),
  tokens: array(
    object({
      step: integer(0),
      tokenId: integer(0),
      text,
      outlierShare: nullable(fraction),
      attention: nullable(array(finite)),
    }),
  ),
});

const box = object({ x: finite, y: finite, width: finite, height: finite });
const evidence = (value: unknown, path: string, errors: string[]): void => {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind === 'coco-annotations') object({ kind: text, imageId: integer(0) })(value, path, errors);
  else if (kind === 'user-list') object({ kind: text, entry: text })(value, path, errors);
  else if (kind === 'detector')
    object({ kind: text, detections: array(object({ label: text, confidence: fraction, box })) })(value, path, errors);
  else errors.push(`${path}.kind: expected "coco-annotations", "user-list" or "detector", got ${describe(kind)}`);
};
const count = integer(0);
const captionLabels = object({
  words: array(
    object({
      kind: literal('grounded', 'hallucinated', 'unverifiable', 'unchecked'),
      start: integer(0),
      end: integer(0),
      text,
      node: nullable(nonEmpty),
      evidence: nullable(evidence),
    }),
  ),
  counts: object({ grounded: count, hallucinated: count, unverifiable: count, unchecked: count }),
  chair: object({ chairS: nullable(fraction), chairI: nullable(fraction), recall: nullable(fraction) }),
});
const labels = object({
  source: nullable(literal('coco-annotations', 'user-list', 'detector')),
  objects: array(object({ node: nonEmpty, evidence })),
  captions: object({ baseline: captionLabels, damro: captionLabels }),
});

const schema = object({
  schemaVersion: literal(RUN_EXPORT_SCHEMA_VERSION),
  kind: literal(RUN_EXPORT_KIND),
  model: object({
    id: nonEmpty,
    dtype: literal('fp32', 'q4', 'fp16', 'q4f16'),
    sessionDtypes: optional(
      object({
        vision: literal('fp32', 'q4', 'fp16', 'q4f16'),
        embed: literal('fp32', 'q4', 'fp16', 'q4f16'),
        decoder: literal('fp32', 'q4', 'fp16', 'q4f16'),
      }),
    ),
    backend: literal('webgpu', 'wasm'),
    family: text,
    synthetic: bool,
    tokenGrid: object({ rows: integer(1), cols: integer(1) }),
    decoder: object({ layers: integer(1), heads: integer(1) }),
    processor: object({
      shortestEdge: integer(1),
      crop: object({ height: integer(1), width: integer(1) }),
      resize: optional(literal('stretch')),
    }),
    cpuWeights: optional(object({ expandedMatMuls: integer(0), addedBytes: finite, kept: array(text) })),
  }),
  scorer: object({ name: nonEmpty, faithful: bool, label: nonEmpty }),
  settings: object({
    alpha: is((v) => typeof v === 'number' && v >= 0, 'a number ≥ 0'),
    beta: is((v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number in [0, 1]'),
    k: integer(1),
    mode: literal('greedy', 'sample'),
    seed: nullable(integer(0)),
    maxNewTokens: integer(1),
    prompt: nonEmpty,
    attention: object({
      layerFrom: integer(0),
      layerTo: integer(1),
      head: is((v) => v === 'mean' || (Number.isInteger(v) && (v as number) >= 0), '"mean" or a head index'),
    }),
  }),
  image: object({ name: text, mime: text, width: integer(1), height: integer(1) }),
  outliers: object({ indices: array(integer(0)), scores: array(finite) }),
  captions: object({ baseline: caption, damro: caption }),
  steps: array(
    object({
      step: integer(0),
      kept: integer(0),
      cutoff: nullable(is((v) => typeof v === 'number', 'a number')),
      changed: bool,
      full: array(candidate),
      outlier: array(candidate),
      combined: array(candidate),
    }),
  ),
  groundTruth: array(text),
  labels: optional(labels),
  methods: optional(
    array(
      object({
        method: literal('damro', 'vcd', 'm3id', 'avisc', 'ablation'),
        label: nonEmpty,
        source: nonEmpty,
        params: is(
          (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(Number.isFinite),
          'an object of finite numbers',
        ),
        caption,
      }),
    ),
  ),
});

/** Cross-field rules the shapes alone cannot state. */
function consistency(run: RunExportV1, errors: string[]): void {
  const imageTokens = run.model.tokenGrid.rows * run.model.tokenGrid.cols;
  if (run.outliers.scores.length !== imageTokens)
    errors.push(
      `$.outliers.scores: expected ${imageTokens} scores (one per image token), got ${run.outliers.scores.length}`,
    );
  if (run.outliers.indices.length !== run.settings.k)
    errors.push(`$.outliers.indices: expected k = ${run.settings.k} outliers, got ${run.outliers.indices.length}`);
  run.outliers.indices.forEach(
    (i, n) =>
      i >= imageTokens && errors.push(`$.outliers.indices[${n}]: ${i} is outside the ${imageTokens} image tokens`),
  );
  if (
    run.settings.attention.layerTo > run.model.decoder.layers ||
    run.settings.attention.layerFrom >= run.settings.attention.layerTo
  ) {
    errors.push(
      `$.settings.attention: layers [${run.settings.attention.layerFrom}, ${run.settings.attention.layerTo}) are not inside the model's ${run.model.decoder.layers}`,
    );
  }
  for (const kind of ['baseline', 'damro'] as const) {
    const c = run.captions[kind];
    if (c.tokens.map((t) => t.text).join('') !== c.text)
      errors.push(`$.captions.${kind}.text: does not equal its tokens joined`);
    c.tokens.forEach((t, i) => {
      if (t.step !== i) errors.push(`$.captions.${kind}.tokens[${i}].step: expected ${i}, got ${t.step}`);
      if (t.attention && t.attention.length !== imageTokens)
        errors.push(
          `$.captions.${kind}.tokens[${i}].attention: expected ${imageTokens} values, got ${t.attention.length}`,
        );
    });
    run.labels?.captions[kind].words.forEach((w, i) => {
      if (w.end <= w.start || c.text.slice(w.start, w.end) !== w.text)
        errors.push(`$.labels.captions.${kind}.words[${i}]: [${w.start}, ${w.end}) of the caption is not "${w.text}"`);
      if ((w.kind === 'grounded') !== (w.evidence !== null))
        errors.push(`$.labels.captions.${kind}.words[${i}].evidence: a grounded word has evidence, any other has null`);
    });
  }
  run.methods?.forEach((m, i) => {
    if (m.caption.tokens.map((t) => t.text).join('') !== m.caption.text)
      errors.push(`$.methods[${i}].caption.text: does not equal its tokens joined`);
  });
}

/** Problems with a parsed export, one line each with a JSON path; empty when it is a valid version-1 run. */
export function validateRunExport(value: unknown): string[] {
  const errors: string[] = [];
  schema(value, '$', errors);
  if (errors.length === 0) consistency(value as RunExportV1, errors);
  return errors;
}
