import type { FileLoadProgress } from '../../protocol/messages';

/** Where a model's files come from: the site itself (the embedded demo), the Hub, or a folder on disk in Node. */
export interface FileSource {
  /** Human-readable origin, used in error messages. */
  readonly origin: string;
  /** Reads one file of the model folder (e.g. "onnx/decoder_model_merged.onnx"), reporting byte progress. */
  read(path: string, onProgress: (progress: FileLoadProgress) => void): Promise<Uint8Array>;
  /** Like read, but a missing file is `undefined` instead of an error (optional files such as .onnx_data). */
  readOptional(path: string, onProgress: (progress: FileLoadProgress) => void): Promise<Uint8Array | undefined>;
}
