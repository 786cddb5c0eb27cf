// What a person sets before a run and how they look at it. Everything here is plain data, so the URL can carry
// it and an export can record it; validation limits live next to the defaults they bound.
import { NORMALIZERS, type NormalizerName } from '../core/attention/normalize';
import { DEFAULT_REAL_MODEL } from '../core/models/catalog';
import type { ClsScorer, ComparedMethodName, DamroSettings, Dtype, NoClsScorer } from '../protocol/messages';

export type DecodingMode = 'greedy' | 'sample';

export interface Settings {
  readonly modelId: string;
  readonly dtype: Dtype;
  /** The adapted outlier score for encoders without a CLS token; applied when the model loads. */
  readonly noClsScorer: NoClsScorer;
  /**
   * DAMRO's outlier score for encoders with a CLS token (the paper's LLaVA-1.5 or InstructBLIP setting); applied on
   * load.
   */
  readonly clsScorer: ClsScorer;
  /** DAMRO's α, β and k, in the shape a run request and the decode loop take them. */
  readonly damro: DamroSettings;
  /** 'sample' is the paper's decoding: temperature 1, no top-p, seeded. */
  readonly mode: DecodingMode;
  readonly seed: number;
  readonly maxNewTokens: number;
  readonly prompt: string;
  /** Decoder layers [layerFrom, layerTo) of the token view; layerTo null means through the last layer. */
  readonly layerFrom: number;
  readonly layerTo: number | null;
  readonly head: 'mean' | number;
  /** A colormap name from src/viz/colormap (validated by whoever knows the registry). */
  readonly colormap: string;
  readonly normalize: NormalizerName;
  /** Methods decoded beside the baseline and DAMRO (src/core/damro-spec.md §8). */
  readonly methods: readonly ComparedMethodName[];
  /** The compared methods' hyper-parameters that differ from their papers' defaults, by method and name. */
  readonly methodParams: Readonly<Partial<Record<ComparedMethodName, Readonly<Record<string, number>>>>>;
}

// β = 0.1 and k = 10 are the paper's LLaVA values; α = 1.5 is its CHAIR (captioning) value, and the prompt is its
// CHAIR prompt (src/core/damro-spec.md §1.4–§1.5). Greedy by default so a re-run gives the same caption. The
// real model comes first so a first caption means something; q4 runs on every device, and the engine's answer
// replaces it with the device's preferred dtype unless a link named one (engineReady).
export const DEFAULT_SETTINGS: Settings = {
  modelId: DEFAULT_REAL_MODEL,
  dtype: 'q4',
  noClsScorer: 'mean-received-attention',
  clsScorer: 'clip-single-head',
  damro: { alpha: 1.5, beta: 0.1, k: 10 },
  mode: 'greedy',
  seed: 42,
  maxNewTokens: 32,
  prompt: 'Generate a short caption of this image.',
  layerFrom: 0,
  layerTo: null,
  head: 'mean',
  colormap: 'viridis',
  normalize: 'min-max',
  methods: [],
  methodParams: {},
};

export const SETTING_LIMITS = {
  alpha: { min: 0, max: 10 },
  beta: { min: 0, max: 1 },
  k: { min: 1, max: 4096 },
  seed: { min: 0, max: 2 ** 31 - 1 },
  maxNewTokens: { min: 1, max: 1024 },
  promptLength: 2000,
  layers: { max: 1024 },
  /** Compared methods beside the baseline and DAMRO: each costs decoder rows every step. */
  methods: 3,
} as const;

/** The methods the page offers to compare (DAMRO is always one of the captions). */
export const COMPARABLE_METHODS: readonly ComparedMethodName[] = ['vcd', 'm3id', 'avisc', 'ablation'];

export const DTYPES: readonly Dtype[] = ['fp32', 'q4', 'fp16', 'q4f16'];
export const NO_CLS_SCORERS: readonly NoClsScorer[] = ['mean-received-attention', 'token-norm'];
export const CLS_SCORERS: readonly ClsScorer[] = ['clip-single-head', 'head-mean'];
export const NORMALIZER_NAMES = Object.keys(NORMALIZERS) as NormalizerName[];
