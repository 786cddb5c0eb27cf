import type { Backend, ClsScorer, Dtype, FileLoadProgress, NoClsScorer } from '../../protocol/messages';
import type { FileSource } from '../load/file-source';
import type { LoadedModel } from '../model';

export interface AdapterContext {
  readonly modelId: string;
  /** What transformers.js loads the processor by (the model id, except for a model at a base URL). */
  readonly processorId: string;
  readonly dtype: Dtype;
  readonly backend: Backend;
  readonly source: FileSource;
  readonly onProgress: (progress: FileLoadProgress) => void;
  /** The adapted outlier score to use when the vision encoder has no CLS token. */
  readonly noClsScorer: NoClsScorer;
  /** DAMRO's score when the encoder has a CLS token. */
  readonly clsScorer: ClsScorer;
  /** The model families this build supports, for error messages. */
  readonly families: readonly string[];
}

/** What config.json says about the model, as far as the adapters care. */
export interface ModelConfig {
  readonly model_type?: string;
  readonly [key: string]: unknown;
}

/** One model family: recognises its configs and turns a model folder into a LoadedModel. */
export interface ModelAdapter {
  readonly family: string;
  load(ctx: AdapterContext, config: ModelConfig): Promise<LoadedModel>;
}

/** transformers.js's file-name suffix per dtype (src/engine/browser-stack.md §1.1). */
export const DTYPE_SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q4: '_q4', q4f16: '_q4f16' };
