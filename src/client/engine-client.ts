import { LensError } from '../protocol/errors';
import type { FromWorker, Method, Params, Request, Result, WorkerEvent } from '../protocol/messages';

/** The part of a Worker the client needs; tests pass an in-memory port. */
export interface WorkerPort {
  postMessage(message: Request, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate?(): void;
}

/**
 * How long the worker may send nothing while it has work before the page says so. It sends 'engine/alive'
 * every ALIVE_INTERVAL_MS when its thread is free, and tokens while it decodes, so this much silence means one
 * call has held its thread for that long.
 */
export const SILENCE_LIMIT_MS = 30_000;
/** From a model load to its first answer, session creation and WebGPU shader compilation may hold it longer. */
export const COMPILE_SILENCE_LIMIT_MS = 180_000;
const CHECK_EVERY_MS = 1_000;

export interface Clock {
  now(): number;
  every(ms: number, tick: () => void): () => void;
}

const realClock: Clock = {
  now: () => performance.now(),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    return () => clearInterval(timer);
  },
};

export interface EngineClient {
  call<M extends Method>(method: M, params: Params<M>, transfer?: Transferable[]): Promise<Result<M>>;
  onEvent(listener: (event: WorkerEvent) => void): () => void;
  /**
   * Told how long the worker has been silent while it has work (once per silence), and undefined once it is heard
   * again.
   */
  onSilence(listener: (silentMs: number | undefined) => void): () => void;
  /** Ends the connection: every waiting call fails with `reason`, the watch stops and the worker is terminated. */
  close(reason: LensError): void;
}

interface Pending {
  readonly method: Method;
  resolve(result: unknown): void;
  reject(error: LensError): void;
}

/** Adds a listener to `set`; the returned function removes it. */
function subscriber<L>(set: Set<L>): (listener: L) => () => void {
  return (listener) => {
    set.add(listener);
    return () => set.delete(listener);
  };
}

export function connectEngine(port: WorkerPort, clock: Clock = realClock): EngineClient {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: WorkerEvent) => void>();
  const silenceListeners = new Set<(silentMs: number | undefined) => void>();
  // Runs whose run/start has answered and whose end has not arrived: work without a waiting call.
  const runs = new Set<number>();
  let lastHeard = clock.now();
  let reported = false;
  // Set by a model load, cleared by the first answer computed on the loaded model.
  let compiling = false;

  const heard = () => {
    lastHeard = clock.now();
    if (reported) {
      reported = false;
      for (const listener of silenceListeners) listener(undefined);
    }
  };

  const stopWatch = clock.every(CHECK_EVERY_MS, () => {
    if (reported || (pending.size === 0 && runs.size === 0)) return;
    const silent = clock.now() - lastHeard;
    if (silent <= (compiling ? COMPILE_SILENCE_LIMIT_MS : SILENCE_LIMIT_MS)) return;
    reported = true;
    for (const listener of silenceListeners) listener(silent);
  });

  port.addEventListener('message', ({ data }) => {
    heard();
    if (data.kind === 'event') {
      const { event } = data;
      if (event.type === 'run/token' || event.type === 'eval/token') compiling = false;
      if (event.type === 'run/finished' || event.type === 'run/error') runs.delete(event.runId);
      for (const listener of listeners) listener(event);
      return;
    }
    const { response } = data;
    const waiter = pending.get(response.id);
    if (!waiter) return;
    pending.delete(response.id);
    if (waiter.method === 'eval/image' || (waiter.method === 'model/load' && !response.ok)) compiling = false;
    if (response.ok) {
      if (waiter.method === 'run/start') runs.add((response.result as Result<'run/start'>).runId);
      waiter.resolve(response.result);
    } else waiter.reject(LensError.fromWire(response.error));
  });

  const failAll = (error: LensError) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
    runs.clear();
  };
  // A worker that fails to load (a bad bundle, a blocked script) never answers; fail every waiter with the cause.
  port.addEventListener('error', (event) => {
    failAll(
      new LensError(
        'internal',
        `The inference worker failed to start (${event.message || 'no details'}). Reload the page; if it persists, the site build is broken.`,
      ),
    );
  });

  return {
    call(method, params, transfer = []) {
      const id = nextId++;
      if (method === 'model/load') compiling = true;
      // The watch measures silence from when work was handed over, not from the last idle heartbeat.
      if (pending.size === 0 && runs.size === 0) lastHeard = clock.now();
      return new Promise((resolve, reject) => {
        pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject });
        port.postMessage({ id, method, params } as Request, transfer);
      });
    },
    onEvent: subscriber(listeners),
    onSilence: subscriber(silenceListeners),
    close(reason) {
      stopWatch();
      failAll(reason);
      port.terminate?.();
    },
  };
}

/**
 * A client that can replace its worker: calls and listeners go to the current one. Restarting ends the old
 * connection (its waiting calls fail with `reason`) and starts a fresh worker.
 */
export function restartableEngine(
  spawn: () => WorkerPort,
  clock: Clock = realClock,
): EngineClient & { restart(reason: LensError): void } {
  const listeners = new Set<(event: WorkerEvent) => void>();
  const silenceListeners = new Set<(silentMs: number | undefined) => void>();
  const connect = () => {
    const client = connectEngine(spawn(), clock);
    client.onEvent((event) => listeners.forEach((listener) => listener(event)));
    client.onSilence((silentMs) => silenceListeners.forEach((listener) => listener(silentMs)));
    return client;
  };
  let current = connect();
  return {
    call: (method, params, transfer) => current.call(method, params, transfer),
    onEvent: subscriber(listeners),
    onSilence: subscriber(silenceListeners),
    close: (reason) => current.close(reason),
    restart(reason) {
      current.close(reason);
      silenceListeners.forEach((listener) => listener(undefined));
      current = connect();
    },
  };
}
