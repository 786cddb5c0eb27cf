import { LensError } from '../protocol/errors';
import { PROTOCOL_VERSION, type Method, type Params, type Result } from '../protocol/messages';
import { probeCapabilities, type Environment } from './runtime/capabilities';

/** What the engine answers, method by method; the worker server and in-process callers use the same object. */
export type EngineApi = { [M in Method]: (params: Params<M>) => Promise<Result<M>> };

export function createEngine(env: Environment): EngineApi {
  return {
    async 'engine/hello'({ protocolVersion }) {
      if (protocolVersion !== PROTOCOL_VERSION) {
        throw new LensError('bad-request', `The page speaks protocol ${protocolVersion} but the worker speaks ${PROTOCOL_VERSION}: the page and its worker come from different builds. Reload the page.`);
      }
      return { protocolVersion: PROTOCOL_VERSION, capabilities: await probeCapabilities(env) };
    },
  };
}
