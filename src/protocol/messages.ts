// Wire types between the UI thread and the inference worker. Requests are keyed by method so that a
// method's params and result are tied together at compile time; replies carry the request's id.
import type { WireError } from './errors';

export const PROTOCOL_VERSION = 1;

export type Backend = 'webgpu' | 'wasm';

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

export interface Methods {
  'engine/hello': { params: { protocolVersion: number }; result: { protocolVersion: number; capabilities: Capabilities } };
}

export type Method = keyof Methods;
export type Params<M extends Method> = Methods[M]['params'];
export type Result<M extends Method> = Methods[M]['result'];

export type Request = { [M in Method]: { readonly id: number; readonly method: M; readonly params: Params<M> } }[Method];

export type Response =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: WireError };

/** Worker → UI push messages that are not replies. Later features add their events here. */
export type WorkerEvent = { readonly type: 'log'; readonly level: 'info' | 'warn'; readonly message: string };

export type FromWorker = { readonly kind: 'response'; readonly response: Response } | { readonly kind: 'event'; readonly event: WorkerEvent };
