// Errors cross the worker boundary as plain data and are rebuilt on the other side, so the UI can
// branch on `code` and show `message`, which always says what a person can do about it.

export type ErrorCode =
  | 'bad-request'
  /** A command line the CLI cannot parse; it answers with its usage. */
  | 'bad-arguments'
  | 'unknown-method'
  | 'no-model'
  | 'model-not-found'
  | 'network'
  | 'unsupported-model'
  /** A model file that is not a readable ONNX file (corrupt, truncated, or an HTML page in its place). */
  | 'bad-model-file'
  /** A model whose config.json contradicts its graphs or lacks a file the model needs. */
  | 'bad-model-config'
  | 'attention-unavailable'
  | 'bad-image'
  | 'image-too-large'
  | 'out-of-memory'
  | 'device-lost'
  | 'busy'
  | 'unknown-run'
  | 'cancelled'
  | 'worker-restarted'
  | 'internal';

export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

export class LensError extends Error {
  override readonly name = 'LensError';
  readonly code: ErrorCode;
  readonly details?: WireError['details'];

  constructor(code: ErrorCode, message: string, details?: WireError['details']) {
    super(message);
    this.code = code;
    this.details = details;
  }

  toWire(): WireError {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }

  static fromWire(wire: WireError): LensError {
    return new LensError(wire.code, wire.message, wire.details);
  }
}

/** Any thrown value as a WireError on the page's side: a LensError keeps its code; anything else is 'internal'. */
export function wireErrorOf(thrown: unknown): WireError {
  return thrown instanceof LensError
    ? thrown.toWire()
    : { code: 'internal', message: thrown instanceof Error ? thrown.message : String(thrown) };
}

/** Anything thrown in the worker becomes a WireError; unknown throws keep their text but say where they came from. */
export function toWireError(thrown: unknown): WireError {
  if (thrown instanceof LensError) return thrown.toWire();
  const text = thrown instanceof Error ? thrown.message : String(thrown);
  return {
    code: 'internal',
    message: `Unexpected error in the inference worker: ${text}. Reload the page; if it persists, report it with this message.`,
  };
}
