import { LensError, toWireError } from '../protocol/errors';
import type { FromWorker, Method, Request } from '../protocol/messages';
import { transferablesOf } from '../protocol/transfer';
import type { EngineApi } from './engine';

export type Post = (message: FromWorker, transfer: Transferable[]) => void;

function isRequest(data: unknown): data is Request {
  if (typeof data !== 'object' || data === null) return false;
  const candidate = data as { id?: unknown; method?: unknown; params?: unknown };
  return (
    typeof candidate.id === 'number' &&
    typeof candidate.method === 'string' &&
    typeof candidate.params === 'object' &&
    candidate.params !== null
  );
}

/** Binds an EngineApi to a message port: validates requests, dispatches by method, replies with the request id. */
export function createServer(api: EngineApi, post: Post): (data: unknown) => Promise<void> {
  return async (data) => {
    if (!isRequest(data)) {
      post(
        {
          kind: 'response',
          response: {
            id: -1,
            ok: false,
            error: new LensError(
              'bad-request',
              'The worker received a message that is not a request; this is a bug in the page.',
            ).toWire(),
          },
        },
        [],
      );
      return;
    }
    const { id, method, params } = data;
    try {
      if (!Object.hasOwn(api, method))
        throw new LensError(
          'unknown-method',
          `The worker does not know the method "${method}"; the page and its worker come from different builds. Reload the page.`,
        );
      const handler = api[method as Method] as (p: unknown) => Promise<unknown>;
      const result = await handler(params);
      // Results own their arrays (handlers return copies), so their buffers move to the page instead of being copied.
      post({ kind: 'response', response: { id, ok: true, result } }, transferablesOf(result));
    } catch (error) {
      post({ kind: 'response', response: { id, ok: false, error: toWireError(error) } }, []);
    }
  };
}
