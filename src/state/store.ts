// The only module that imports zustand. One vanilla store, split into slices; actions are module-level
// functions (src/state/*-actions.ts) so the worker bridge can call them without React. Per-token attention is
// kept as numbers (Float32Array), never as pictures, so colormaps and normalisation change without the worker.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { AttentionStack } from '../core/attention/aggregate';
import type { LabelResources } from '../core/labels/resources';
import { DEFAULT_DETECTOR } from '../core/models/detectors';
import type { StepAttentionMeasures } from '../protocol/evidence';
import type { WireError } from '../protocol/errors';
import type {
  AttentionSelection,
  Capabilities,
  CaptionKind,
  ComparedMethod,
  ComparedMethodName,
  DamroSettings,
  DetectResult,
  FileLoadProgress,
  Grid,
  ModelInfo,
  OutlierScorerInfo,
  StepDiagnostics,
  StopReason,
} from '../protocol/messages';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import type { EvalSlice } from './eval-state';
import type { EvidenceRecord, EvidenceSource } from './evidence-actions';
import { paperPreset } from '../core/eval/presets';
import type { Sample } from '../core/samples/sample-list';

export type EngineStatus = (
  | { readonly phase: 'starting' }
  | { readonly phase: 'ready'; readonly capabilities: Capabilities }
  | { readonly phase: 'failed'; readonly message: string }
) & {
  /** Set while the worker has had work but sent nothing for this long (see src/client/engine-client.ts). */
  readonly silentForMs?: number;
};

export interface ModelSlice {
  readonly phase: 'idle' | 'loading' | 'ready' | 'failed';
  /** The id and dtype being loaded or loaded (settings may already name another). */
  readonly requested?: { readonly modelId: string; readonly dtype: Settings['dtype'] };
  readonly files: readonly FileLoadProgress[];
  readonly info?: ModelInfo;
  readonly error?: WireError;
}

export interface ImageSlice {
  readonly name: string;
  readonly mime: string;
  /** The encoded file, kept so a re-run can send it again (a copy travels to the worker). */
  readonly bytes: ArrayBuffer;
  readonly width: number;
  readonly height: number;
  /** An object URL for drawing the picture. */
  readonly url: string;
  /** Objects known to be in it before anyone looks: a sample photo's hand-written list. */
  readonly objects?: readonly string[];
}

export interface CaptionToken {
  readonly step: number;
  readonly tokenId: number;
  readonly text: string;
}

export interface CaptionState {
  readonly tokens: readonly CaptionToken[];
  readonly done?: StopReason;
}

export type StepRecord = StepDiagnostics;

export interface OutlierRecord {
  readonly grid: Grid;
  /** The vision encoder's outlier score per image token. */
  readonly scores: Float32Array;
  /** The k outliers the DAMRO caption was decoded with, most attended first. */
  readonly indices: Int32Array;
  readonly scorer: OutlierScorerInfo;
  /** L2 norm of each image token as the decoder receives it (absent from older workers). */
  readonly norms?: Float32Array;
}

/** The settings a run was started with: what its captions mean. */
export interface RunRecipe {
  readonly modelId: string;
  readonly damro: DamroSettings;
  readonly mode: Settings['mode'];
  readonly seed: number;
  readonly maxNewTokens: number;
  readonly prompt: string;
  readonly attention: AttentionSelection;
  /** The methods decoded beside the captions, with the hyper-parameters they ran with. */
  readonly methods?: readonly ComparedMethod[];
}

export interface RunSlice {
  readonly phase: 'idle' | 'running' | 'finished' | 'failed';
  /** Undefined until run/start answers; events of a newer run adopt it (they can arrive first). */
  readonly runId?: number;
  /** The last run id seen before this run: its events, and older ones, are stale. */
  readonly staleUpTo: number;
  readonly recipe?: RunRecipe;
  readonly captions: Readonly<Record<CaptionKind, CaptionState>>;
  /** The compared methods' captions, each present from its first token or its end. */
  readonly methodCaptions?: Readonly<Partial<Record<ComparedMethodName, CaptionState>>>;
  /** The compared methods' step diagnostics ('full': main branch, 'outlier': contrast branch). */
  readonly methodSteps?: Readonly<Partial<Record<ComparedMethodName, readonly StepRecord[]>>>;
  /** The compared methods' tokens' hallucination-evidence measures, by method and step. */
  readonly methodEvidence?: Readonly<
    Partial<Record<ComparedMethodName, Readonly<Record<number, StepAttentionMeasures>>>>
  >;
  readonly outliers?: OutlierRecord;
  readonly steps: readonly StepRecord[];
  readonly timings?: {
    readonly visionMs: number;
    readonly prefillMs: number;
    readonly decodeMs: number;
    readonly steps: number;
  };
  readonly error?: WireError;
}

export interface AttentionFrame {
  readonly values: Float32Array;
  readonly outlierShare: number;
}

export interface AttentionSlice {
  /** Streamed frames (the run recipe's layer/head selection) by tokenKey. */
  readonly frames: Readonly<Record<string, AttentionFrame>>;
  /** Full [layers, heads, imageTokens] detail fetched on demand by tokenKey. */
  readonly details: Readonly<Record<string, AttentionStack>>;
  readonly detailErrors: Readonly<Record<string, string>>;
  /** The same tokens' attention over the text, where the model gives it (TextAttentionDetail), by tokenKey. */
  readonly texts?: Readonly<Record<string, TextAttentionStack>>;
}

/** A token's attention over the text keys as a stack (its imageTokens are the text keys) and the prompt's tokens. */
export interface TextAttentionStack {
  readonly stack: AttentionStack;
  readonly prompt: readonly string[];
  /** The image tokens sat before prompt[imageAt]. */
  readonly imageAt: number;
}

export interface TokenRef {
  readonly caption: CaptionKind;
  readonly step: number;
}

export interface UiSlice {
  /** The token clicked (pinned) and the token under the pointer; the view shows hover over selection. */
  readonly selected?: TokenRef;
  readonly hovered?: TokenRef;
  readonly groundTruth: readonly string[];
  /** Why the last image could not be opened. */
  readonly imageError?: WireError;
  /** Problems found in the link the page was opened with. */
  readonly urlProblems: readonly string[];
  /** The link named a dtype: keep it rather than pick the device's preferred one. */
  readonly dtypeFromLink?: boolean;
  /** The person (or a link) set k: a model load keeps it rather than apply the model's default (defaultK). */
  readonly kChosen?: boolean;
  /** The sample photos the site offers (empty until their list arrives, or if it cannot). */
  readonly samples: readonly GallerySample[];
}

export interface GallerySample extends Sample {
  /** Where the site serves the photo. */
  readonly url: string;
}

/** A detector's findings for one image; results for another image or detector are stale. */
export interface DetectionRecord {
  readonly imageUrl: string;
  readonly modelId: string;
  readonly phase: 'running' | 'done' | 'failed';
  readonly result?: DetectResult;
  readonly error?: WireError;
}

export type LabellerStatus =
  | { readonly phase: 'loading' }
  | { readonly phase: 'ready'; readonly resources: LabelResources }
  | { readonly phase: 'failed'; readonly message: string };

/** Caption labels: the CHAIR labeller (loaded lazily) and where the image's ground truth comes from. */
export interface LabelsSlice {
  readonly labeller: LabellerStatus;
  /** A COCO val2014 image id the person typed (a COCO file name is recognised without it). */
  readonly cocoId: string;
  readonly detectorId: string;
  /** Detections below this score are not ground truth. */
  readonly threshold: number;
  readonly detection?: DetectionRecord;
  /** The node word whose evidence boxes are highlighted (a grounded word hovered or clicked). */
  readonly focus?: string;
}

export interface LensState {
  readonly engine: EngineStatus;
  readonly settings: Settings;
  readonly model: ModelSlice;
  readonly image?: ImageSlice;
  readonly run: RunSlice;
  readonly attention: AttentionSlice;
  readonly ui: UiSlice;
  readonly labels: LabelsSlice;
  readonly evaluation: EvalSlice;
  /** Hallucination evidence of the latest CHAIR run and of this session's captions; each absent until there is some. */
  readonly hallucinationEvidence?: Readonly<Partial<Record<EvidenceSource, EvidenceRecord>>>;
}

export const emptyCaptions: RunSlice['captions'] = { baseline: { tokens: [] }, damro: { tokens: [] } };

export const initialState: LensState = {
  engine: { phase: 'starting' },
  settings: DEFAULT_SETTINGS,
  model: { phase: 'idle', files: [] },
  run: { phase: 'idle', staleUpTo: 0, captions: emptyCaptions, steps: [] },
  attention: { frames: {}, details: {}, detailErrors: {} },
  ui: { groundTruth: [], urlProblems: [], samples: [] },
  labels: { labeller: { phase: 'loading' }, cocoId: '', detectorId: DEFAULT_DETECTOR, threshold: 0.7 },
  evaluation: {
    form: {
      benchmark: 'pope',
      split: 'random',
      preset: 'paper',
      custom: paperPreset('pope').settings,
      limit: 0,
      popeRule: 'damro',
      judge: { baseUrl: '', model: '', concurrency: 4 },
    },
    phase: 'idle',
    results: [],
  },
};

export const store = createStore<LensState>(() => initialState);

export const tokenKey = (ref: TokenRef): string => `${ref.caption}:${ref.step}`;

export function useLens<T>(selector: (state: LensState) => T): T {
  return useStore(store, selector);
}

/** For selectors that build a new object or array each time: re-renders only when a member changes. */
export function useLensShallow<T>(selector: (state: LensState) => T): T {
  return useStore(store, useShallow(selector));
}

/** Back to the initial state (tests, and nothing else, need this). */
export function resetStore(): void {
  store.setState(initialState, true);
}
