import { LensError } from '../protocol/errors';
import type { FromWorker, Method, Params, Request, Result, WorkerEvent } from '../protocol/messages';

/** The part of a Worker the client needs; tests pass an in-memory port. */
export interface WorkerPort {
  postMessage(message: Request, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
}

export interface EngineClient {
  call<M extends Method>(method: M, params: Params<M>, transfer?: Transferable[]): Promise<Result<M>>;
  onEvent(listener: (event: WorkerEvent) => void): () => void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: LensError): void;
}

export function connectEngine(port: WorkerPort): EngineClient {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: WorkerEvent) => void>();

  port.addEventListener('message', ({ data }) => {
    if (data.kind === 'event') {
      for (const listener of listeners) listener(data.event);
      return;
    }
    const { response } = data;
    const waiter = pending.get(response.id);
    if (!waiter) return;
    pending.delete(response.id);
    if (response.ok) waiter.resolve(response.result);
    else waiter.reject(LensError.fromWire(response.error));
  });
  // A worker that fails to load (a bad bundle, a blocked script) never answers; fail every waiter with the cause.
  port.addEventListener('error', (event) => {
    const error = new LensError('internal', `The inference worker failed to start (${event.message || 'no details'}). Reload the page; if it persists, the site build is broken.`);
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });

  return {
    call(method, params, transfer = []) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
        port.postMessage({ id, method, params } as Request, transfer);
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
