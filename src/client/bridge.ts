import { PROTOCOL_VERSION } from '../protocol/messages';
import { engineFailed, engineReady } from '../state/actions';
import { connectEngine, type EngineClient, type WorkerPort } from './engine-client';

/** Starts the inference worker, performs the handshake and feeds the store. */
export async function startEngine(): Promise<EngineClient> {
  const worker = new Worker(new URL('../../workers/inference.worker.ts', import.meta.url), { type: 'module', name: 'inference' });
  const client = connectEngine(worker as WorkerPort);
  try {
    const { capabilities } = await client.call('engine/hello', { protocolVersion: PROTOCOL_VERSION });
    engineReady(capabilities);
  } catch (error) {
    engineFailed(error instanceof Error ? error.message : String(error));
  }
  return client;
}
