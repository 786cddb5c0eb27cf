import { connectEngine, type EngineClient, type WorkerPort } from '../../src/client/engine-client';
import type { EngineApi } from '../../src/engine/engine';
import { createServer } from '../../src/engine/server';
import type { FromWorker, Request } from '../../src/protocol/messages';

/**
 * A client wired to a server in the same process through structuredClone, the same copy the browser makes
 * between a page and its worker, so tests exercise what really crosses the boundary.
 */
export function loopback(api: EngineApi): { client: EngineClient; sent: Request[] } {
  const sent: Request[] = [];
  const listeners: Array<(event: MessageEvent<FromWorker>) => void> = [];
  const serve = createServer(api, (message, transfer) => {
    const copy = structuredClone(message, { transfer });
    queueMicrotask(() => listeners.forEach((listener) => listener({ data: copy } as MessageEvent<FromWorker>)));
  });
  const port: WorkerPort = {
    postMessage(message, transfer) {
      sent.push(message);
      void serve(structuredClone(message, { transfer }));
    },
    addEventListener(type: 'message' | 'error', listener: never) {
      if (type === 'message') listeners.push(listener);
    },
  };
  return { client: connectEngine(port), sent };
}
