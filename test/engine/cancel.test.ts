// A cancel arrives as a message (a macrotask) while the worker is decoding: the decode loop must give the event
// loop a turn every step, or the message is only handled once the caption is finished.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineApi } from '../../src/engine/engine';
import type { WorkerEvent } from '../../src/protocol/messages';
import { nodeEngine, runParams, tinyLlavaFolder } from '../support/tiny-llava';

let folder: Awaited<ReturnType<typeof tinyLlavaFolder>>;
let engine: EngineApi;
let events: WorkerEvent[];

beforeAll(async () => {
  folder = await tinyLlavaFolder();
  ({ engine, events } = nodeEngine(folder.dir));
  await engine['model/load']({ modelId: folder.modelId, dtype: 'fp32' });
});
afterAll(() => rmSync(folder.root, { recursive: true, force: true }));

describe('cancel during a run', () => {
  it('is handled within a step even when it arrives as a message', async () => {
    const { runId } = await engine['run/start'](runParams({ maxNewTokens: 100 }));
    const channel = new MessageChannel();
    const cancelled = new Promise<{ cancelled: boolean }>((resolve) => {
      channel.port2.onmessage = () => {
        const tokensSoFar = events.filter((e) => e.type === 'run/token' && e.runId === runId).length;
        resolve(engine['run/cancel']({ runId }).then((reply) => ({ ...reply, tokensSoFar })));
      };
    });
    // The cancel is posted once the first token is out, the way the page's Stop button would send it.
    const firstToken = setInterval(() => {
      if (events.some((e) => e.type === 'run/token' && e.runId === runId)) {
        clearInterval(firstToken);
        channel.port1.postMessage('cancel');
      }
    }, 0);
    const reply = (await cancelled) as { cancelled: boolean; tokensSoFar: number };
    channel.port1.close();
    expect(reply.cancelled).toBe(true);
    const done = events.filter((e) => e.type === 'run/done' && e.runId === runId);
    expect(done.map((e) => e.type === 'run/done' && e.reason)).toEqual(['cancelled', 'cancelled']);
    const tokens = events.filter((e) => e.type === 'run/token' && e.runId === runId).length;
    expect(tokens).toBeLessThan(200);
    expect(tokens - reply.tokensSoFar).toBeLessThanOrEqual(2);
  });
});
