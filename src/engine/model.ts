import type {
  ClsScorer,
  Dtype,
  FileLoadProgress,
  FolderFile,
  Grid,
  ImageInput,
  ModelInfo,
  NoClsScorer,
} from '../protocol/messages';
import type { DecoderRunner, RowSpec } from './decode/runner';

/** The vision encoder's output for one image, computed once and reused by every run on that image. */
export interface EncodedImage {
  /** Projected image features, [imageTokens, hidden], in the LLM's embedding space. */
  readonly features: Float32Array;
  readonly imageTokens: number;
  readonly hidden: number;
  /** Outlier score per image token (for a CLS encoder: the CLS attention it receives). */
  readonly scores: Float32Array;
  /** This image's token grid, where the processor sizes it to each image (Qwen2-VL); else the model's tokenGrid. */
  readonly grid?: Grid;
}

export interface EncodeOptions {
  /** Rewrites the vision encoder's pixel values (same length) before the pass: VCD's diffusion noise. */
  readonly perturbPixels?: (pixels: Float32Array) => Float32Array;
}

/** What stands in a decoder row for the prompt's image placeholders: `count` embeddings, [count, hidden]. */
export interface ImageRowContent {
  readonly embeds: Float32Array;
  readonly count: number;
  /** Whether the row records its decoder attention over these tokens. */
  readonly record: boolean;
  /**
   * Which image tokens (indices on the token grid) the embeddings hold, in order, where they are a selection; absent
   * when they stand for every token in grid order (or for none, count 0). Families whose positions follow the token
   * grid (M-RoPE) place each kept token at its own grid position.
   */
  readonly tokens?: ArrayLike<number>;
}

/** The prompt's text positions (every one outside the image span) as the tokenizer spells each token. */
export interface PromptText {
  readonly tokens: readonly string[];
  /** How many of them come before the image tokens. */
  readonly imageAt: number;
}

/** A loaded LVLM as the engine sees it; one implementation per model family lives in engine/adapters. */
export interface LoadedModel {
  readonly info: ModelInfo;
  readonly eosTokenIds: readonly number[];
  encodeImage(image: ImageInput, options?: EncodeOptions): Promise<EncodedImage>;
  /**
   * The decoder rows for a prompt: every image token, and (when outliers are given) only the outlier tokens
   * in the given order, dropped rather than masked, so positions stay contiguous; and the prompt's text tokens, which
   * the full row's text attention runs over before the generated ones.
   */
  buildRows(
    prompt: string,
    image: EncodedImage,
    outliers?: Int32Array,
  ): Promise<{ full: RowSpec; outlier?: RowSpec; text?: PromptText }>;
  /**
   * A decoder row for the prompt with any image content in place of its image tokens (a compared method's branch:
   * some tokens dropped, zeroed, noised, or none at all).
   */
  buildRow(prompt: string, image: EncodedImage, content: ImageRowContent): Promise<RowSpec>;
  createRunner(): DecoderRunner;
  /** Text of a generated token sequence, special tokens skipped. */
  detokenize(ids: readonly number[]): string;
  dispose(): Promise<void>;
}

export interface LoadOptions {
  /** The adapted outlier score for an encoder without CLS. */
  readonly noClsScorer?: NoClsScorer;
  /** DAMRO's score for an encoder with CLS: the paper's LLaVA-1.5 or its InstructBLIP setting. */
  readonly clsScorer?: ClsScorer;
  /** A model folder opened from disk: its files, instead of looking the model id up. */
  readonly folder?: readonly FolderFile[];
}

export type ModelLoader = (
  modelId: string,
  dtype: Dtype,
  onProgress: (progress: FileLoadProgress) => void,
  options?: LoadOptions,
) => Promise<LoadedModel>;
