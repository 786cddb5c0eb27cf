// Wire types between the UI thread and the inference worker. Requests are keyed by method so that a
// method's params and result are tied together at compile time; replies carry the request's id, and
// streamed events carry the run id. Typed arrays in messages are transferred, never copied.
import type { WireError } from './errors';
import type { ItemEvidence, StepAttentionMeasures } from './evidence';

export const PROTOCOL_VERSION = 1;

export type Backend = 'webgpu' | 'wasm';
export type Dtype = 'fp32' | 'q4' | 'fp16' | 'q4f16';

/** The adapted outlier score used for an encoder without a CLS token (core/attention/outliers names). */
export type NoClsScorer = 'mean-received-attention' | 'token-norm';

/** One file of a model folder opened from disk, by its path inside the folder (e.g. "onnx/vision_encoder.onnx"). */
export interface FolderFile {
  readonly path: string;
  /** A File (Blob) on the wire: structured-cloned without copying its bytes. */
  readonly file: { readonly size: number; arrayBuffer(): Promise<ArrayBuffer> };
}

/** DAMRO's outlier score for an encoder with a CLS token: one full-width softmax (the paper's LLaVA-1.5 / CLIP
 * setting) or the mean of per-head softmaxes (its InstructBLIP / EVA setting). */
export type ClsScorer = 'clip-single-head' | 'head-mean';

export interface GpuAdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  readonly shaderF16: boolean;
  readonly maxBufferSize: number;
}

export interface Capabilities {
  /** The backend runs will use: WebGPU when an adapter was found, else WASM. */
  readonly backend: Backend;
  /** Why WASM was chosen, in words a person can act on; absent when WebGPU is used. */
  readonly fallbackReason?: string;
  readonly adapter?: GpuAdapterSummary;
  readonly crossOriginIsolated: boolean;
  readonly ortVersion: string;
  readonly transformersVersion: string;
}

export interface Grid {
  readonly rows: number;
  readonly cols: number;
}

/** How the vision encoder's outlier score was computed; `faithful` is false for any adaptation of the paper. */
export interface OutlierScorerInfo {
  readonly name: string;
  readonly faithful: boolean;
  readonly label: string;
}

/** The dtype of the file each session was created from (a missing dtype falls back to one that exists). */
export interface SessionDtypes {
  readonly vision: Dtype;
  readonly embed: Dtype;
  readonly decoder: Dtype;
}

export interface ModelInfo {
  readonly id: string;
  /** The dtype asked for; sessionDtypes says what was actually loaded. */
  readonly dtype: Dtype;
  readonly sessionDtypes: SessionDtypes;
  readonly backend: Backend;
  /** A generated model with random weights: its captions mean nothing. */
  readonly synthetic: boolean;
  readonly family: string;
  /**
   * What the processor resizes and crops the image to, so overlays map back to the original pixels. With
   * resize 'stretch' (SigLIP, Idefics3 without splitting) the image is stretched to the crop size instead.
   */
  readonly processor: {
    readonly shortestEdge: number;
    readonly crop: { readonly height: number; readonly width: number };
    readonly resize?: 'stretch';
  };
  /** The grid of LLM image tokens; decoder attention and outliers live on it. */
  readonly tokenGrid: Grid;
  /**
   * The processor sizes the grid to each image (Qwen2-VL): tokenGrid is then a square image's at the largest size,
   * and each run's events carry its image's own grid.
   */
  readonly gridPerImage?: true;
  readonly scorer: OutlierScorerInfo;
  /**
   * maxPositions: the decoder's position limit (config.json max_position_embeddings); absent when the config does not
   * say.
   */
  readonly decoder: {
    readonly layers: number;
    readonly heads: number;
    readonly vocabSize: number;
    readonly maxPositions?: number;
  };
  /**
   * On the CPU (wasm) backend, the decoder's n-bit (MatMulNBits) weights expanded once to fp32 at load, which ONNX
   * Runtime's wasm kernel would otherwise do on every call: how many, the memory it added, and why any were kept.
   * Absent on WebGPU and for decoders without n-bit weights.
   */
  readonly cpuWeights?: {
    readonly expandedMatMuls: number;
    readonly addedBytes: number;
    readonly kept: readonly string[];
  };
}

export type ImageInput =
  | { readonly kind: 'encoded'; readonly bytes: ArrayBuffer; readonly mime: string }
  | { readonly kind: 'rgba'; readonly width: number; readonly height: number; readonly data: Uint8ClampedArray };

export type CaptionKind = 'baseline' | 'damro';

export type Decoding =
  | { readonly mode: 'greedy' }
  /** The paper's mode is temperature 1 with no top-p: pure ancestral sampling. */
  | { readonly mode: 'sample'; readonly seed: number; readonly temperature: number; readonly topP: number };

/** DAMRO's parameters, one shape from the request to the decode loop; checked where a request enters the worker. */
export interface DamroSettings {
  /** Contrast strength α ≥ 0: s = (1+α)·l − α·c. */
  readonly alpha: number;
  /**
   * Plausibility β ∈ [0, 1]: keep v iff p_v ≥ β·max p under the full branch; β = 0 keeps every token (cutoff −∞), as
   * the reference does.
   */
  readonly beta: number;
  /** How many outlier image tokens the outlier branch sees. */
  readonly k: number;
}

export interface AttentionSelection {
  /** Decoder layers [layerFrom, layerTo) averaged into the streamed frames. */
  readonly layerFrom: number;
  readonly layerTo: number;
  readonly head: 'mean' | number;
}

/** A contrastive decoding method compared beside the captions (src/core/damro-spec.md §8). */
export type ComparedMethodName = 'damro' | 'vcd' | 'm3id' | 'avisc' | 'ablation';

/** One compared method with its hyper-parameters by name, each a number (the worker checks them). */
export interface ComparedMethod {
  readonly method: ComparedMethodName;
  readonly params: Readonly<Record<string, number>>;
}

export interface RunParams {
  readonly image: ImageInput;
  readonly prompt: string;
  readonly captions: readonly CaptionKind[];
  readonly damro: DamroSettings;
  readonly decoding: Decoding;
  readonly maxNewTokens: number;
  readonly attention: AttentionSelection;
  /** Methods decoded beside the captions in the same loop, each as its own caption. */
  readonly methods?: readonly ComparedMethod[];
}

export interface Candidate {
  readonly tokenId: number;
  readonly text: string;
  readonly score: number;
  readonly probability: number;
}

/** One question about an image in a benchmark run: its key in the question list and its USER_TEXT. */
export interface EvalItemRequest {
  readonly key: string;
  readonly prompt: string;
  /** This item's sampling seed, so an answer does not depend on which shard or session asked it. */
  readonly seed: number;
}

/**
 * Every question about one image, answered with the baseline and DAMRO captions and any compared method; the vision
 * pass runs once.
 */
export interface EvalImageParams {
  /** Chosen by the caller so that `eval/cancel` can name the call before it returns. */
  readonly jobId: number;
  readonly image: ImageInput;
  readonly items: readonly EvalItemRequest[];
  readonly damro: DamroSettings;
  readonly decoding: 'greedy' | 'sample';
  readonly maxNewTokens: number;
  /** Also measure each generated token's attention over the image (hallucination evidence); costs the read-back. */
  readonly evidence?: boolean;
  /** Methods answered beside the two captions in the same loop, after the same vision pass. */
  readonly methods?: readonly ComparedMethod[];
}

/** Per caption, and per compared method the call asked for. */
export type EvalPerMethod<T> = Readonly<Record<CaptionKind, T>> & Readonly<Partial<Record<ComparedMethodName, T>>>;

export interface EvalItemAnswer {
  readonly key: string;
  readonly outputs: EvalPerMethod<string>;
  readonly tokens: EvalPerMethod<number>;
  /** Present when the call asked for evidence. */
  readonly evidence?: ItemEvidence;
}

export interface EvalImageResult {
  /** The items answered, in the order asked; fewer than asked when cancelled. */
  readonly answers: readonly EvalItemAnswer[];
  readonly cancelled: boolean;
  readonly timings: { readonly visionMs: number; readonly decodeMs: number };
}

/** A COCO object a detector found; the box is in the original image's pixels (left, top, width, height). */
export interface DetectedObject {
  readonly label: string;
  readonly score: number;
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

export interface DetectParams {
  readonly image: ImageInput;
  /** A detector id (core/models/detectors.ts) or a Hub id of a transformers.js DETR/YOLOS export. */
  readonly modelId: string;
  /** Detections scoring below this are not returned. */
  readonly threshold: number;
}

export interface DetectResult {
  readonly modelId: string;
  readonly synthetic: boolean;
  /** The size of the image the boxes refer to. */
  readonly width: number;
  readonly height: number;
  /** Highest score first. */
  readonly detections: readonly DetectedObject[];
}

/**
 * One generated token's attention over the text it could see, [layers, heads, keys]: the prompt's text tokens
 * (`prompt`, as the tokenizer spells them; the image tokens sat before prompt[imageAt]), then the caption's tokens
 * before this one. keys = prompt.length + the token's step.
 */
export interface TextAttentionDetail {
  readonly dims: readonly [number, number, number];
  readonly data: Float32Array;
  readonly prompt: readonly string[];
  readonly imageAt: number;
}

export interface Methods {
  'engine/hello': {
    params: { protocolVersion: number };
    result: { protocolVersion: number; capabilities: Capabilities };
  };
  /**
   * noClsScorer applies only to encoders without a CLS token (absent: mean-received-attention), clsScorer only to
   * encoders with one (absent: clip-single-head). With `folder`, the model is that folder opened from disk and
   * modelId only names it.
   */
  'model/load': {
    params: {
      modelId: string;
      dtype: Dtype;
      noClsScorer?: NoClsScorer;
      clsScorer?: ClsScorer;
      folder?: readonly FolderFile[];
    };
    result: ModelInfo;
  };
  'run/start': { params: RunParams; result: { runId: number } };
  'run/cancel': { params: { runId: number }; result: { cancelled: boolean } };
  /**
   * Runs a COCO object detector on an image (ground truth for the caption labels when nothing else knows the image).
   */
  'detect/run': { params: DetectParams; result: DetectResult };
  /**
   * Every layer's and head's attention of one generated token over the image tokens: [layers, heads, imageTokens];
   * and, where the model's decoder gives it, over the text (TextAttentionDetail).
   */
  'attn/detail': {
    params: { runId: number; caption: CaptionKind; step: number };
    result: { dims: readonly [number, number, number]; data: Float32Array; text?: TextAttentionDetail };
  };
  'eval/image': { params: EvalImageParams; result: EvalImageResult };
  'eval/cancel': { params: { jobId: number }; result: { cancelled: boolean } };
}

export type Method = keyof Methods;
export type Params<M extends Method> = Methods[M]['params'];
export type Result<M extends Method> = Methods[M]['result'];

export type Request = {
  [M in Method]: { readonly id: number; readonly method: M; readonly params: Params<M> };
}[Method];

export type Response =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: WireError };

/**
 * 'position-limit': the caption reached the decoder's last position (max_position_embeddings) before max new tokens.
 */
export type StopReason = 'eos' | 'max-tokens' | 'position-limit' | 'cancelled';

/** What DAMRO did at one decoding step: the top candidates of each branch and of the combination. */
export interface StepDiagnostics<C = Candidate> {
  readonly step: number;
  readonly full: readonly C[];
  readonly outlier: readonly C[];
  readonly combined: readonly C[];
  /** Tokens that passed the β plausibility cutoff, and the cutoff on the full branch's raw logits. */
  readonly kept: number;
  readonly cutoff: number;
  /** Whether DAMRO's preferred (highest-scoring) token differs from the full branch's. */
  readonly changed: boolean;
}

/** How often an idle worker says it is alive, so the page can tell a busy worker from a stuck one. */
export const ALIVE_INTERVAL_MS = 5_000;

/** How far one model file has loaded, in bytes, and whether it came from the browser's cache. */
export interface FileLoadProgress {
  readonly file: string;
  readonly loaded: number;
  readonly total: number;
  readonly cached: boolean;
}

export type WorkerEvent =
  | { readonly type: 'engine/alive' }
  | ({ readonly type: 'load/progress' } & FileLoadProgress)
  | {
      readonly type: 'run/outliers';
      readonly runId: number;
      readonly grid: Grid;
      readonly scores: Float32Array;
      readonly indices: Int32Array;
      readonly scorer: OutlierScorerInfo;
      readonly norms?: Float32Array;
    }
  | {
      readonly type: 'run/token';
      readonly runId: number;
      readonly caption: CaptionKind;
      readonly step: number;
      readonly tokenId: number;
      readonly text: string;
    }
  | {
      readonly type: 'run/attention';
      readonly runId: number;
      readonly caption: CaptionKind;
      readonly step: number;
      readonly grid: Grid;
      readonly values: Float32Array;
      readonly outlierShare: number;
    }
  | ({ readonly type: 'run/step'; readonly runId: number } & StepDiagnostics)
  /** A compared method's step: `full` is its main branch, `outlier` its contrast branch (empty when it has none). */
  | ({
      readonly type: 'run/method-step';
      readonly runId: number;
      readonly method: ComparedMethodName;
    } & StepDiagnostics)
  | {
      readonly type: 'run/method-token';
      readonly runId: number;
      readonly method: ComparedMethodName;
      readonly step: number;
      readonly tokenId: number;
      readonly text: string;
    }
  /**
   * A compared method's token's attention over the image as the hallucination-evidence measures (per decoder layer),
   * computed in the worker from the same batched decoder call that chose the token.
   */
  | {
      readonly type: 'run/method-evidence';
      readonly runId: number;
      readonly method: ComparedMethodName;
      readonly step: number;
      readonly measures: StepAttentionMeasures;
    }
  | {
      readonly type: 'run/method-done';
      readonly runId: number;
      readonly method: ComparedMethodName;
      readonly reason: StopReason;
      readonly tokens: number;
    }
  | {
      readonly type: 'run/done';
      readonly runId: number;
      readonly caption: CaptionKind;
      readonly reason: StopReason;
      readonly tokens: number;
    }
  | {
      readonly type: 'run/finished';
      readonly runId: number;
      readonly timings: {
        readonly visionMs: number;
        readonly prefillMs: number;
        readonly decodeMs: number;
        readonly steps: number;
      };
    }
  | { readonly type: 'run/error'; readonly runId: number; readonly error: WireError }
  /** A benchmark question's caption grew to `tokens` tokens: long answers show life before they finish. */
  | {
      readonly type: 'eval/token';
      readonly jobId: number;
      readonly key: string;
      readonly caption: CaptionKind;
      readonly tokens: number;
    };

export type FromWorker =
  { readonly kind: 'response'; readonly response: Response } | { readonly kind: 'event'; readonly event: WorkerEvent };
