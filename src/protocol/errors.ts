// Errors cross the worker boundary as plain data and are rebuilt on the other side, so the UI can
// branch on `code` and show `message`, which always says what a person can do about it.

export type ErrorCode =
  | 'bad-request'
  | 'unknown-method'
  | 'no-model'
  | 'model-not-found'
  | 'network'
  | 'unsupported-model'
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
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }

  static fromWire(wire: WireError): LensError {
    return new LensError(wire.code, wire.message, wire.details);
  }
}

/** Anything thrown in the worker becomes a WireError; unknown throws keep their text but say where they came from. */
export function toWireError(thrown: unknown): WireError {
  if (thrown instanceof LensError) return thrown.toWire();
  const text = thrown instanceof Error ? thrown.message : String(thrown);
  return { code: 'internal', message: `Unexpected error in the inference worker: ${text}. Reload the page; if it persists, report it with this message.` };
}
