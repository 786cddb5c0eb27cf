// A cancel arrives as a message (a macrotask) while the worker is decoding: the decode loop must give the event
// loop a turn every step, or the message is only handled once the caption is finished.
import { describe, expect, it } from 'vitest';
import { runParams, useTinyEngine } from '../support/tiny-llava';

const tiny = useTinyEngine();

describe('cancel during a run', () => {
  it('is handled within a step even when it arrives as a message', async () => {
    const { runId } = await tiny.engine['run/start'](runParams({ maxNewTokens: 100 }));
    const channel = new MessageChannel();
    const cancelled = new Promise<{ cancelled: boolean }>((resolve) => {
      channel.port2.onmessage = () => {
        const tokensSoFar = tiny.events.filter((e) => e.type === 'run/token' && e.runId === runId).length;
        resolve(tiny.engine['run/cancel']({ runId }).then((reply) => ({ ...reply, tokensSoFar })));
      };
    });
    // The cancel is posted once the first token is out, the way the page's Stop button would send it.
    const firstToken = setInterval(() => {
      if (tiny.events.some((e) => e.type === 'run/token' && e.runId === runId)) {
        clearInterval(firstToken);
        channel.port1.postMessage('cancel');
      }
    }, 0);
    const reply = (await cancelled) as { cancelled: boolean; tokensSoFar: number };
    channel.port1.close();
    expect(reply.cancelled).toBe(true);
    const done = tiny.events.filter((e) => e.type === 'run/done' && e.runId === runId);
    expect(done.map((e) => e.type === 'run/done' && e.reason)).toEqual(['cancelled', 'cancelled']);
    const tokens = tiny.events.filter((e) => e.type === 'run/token' && e.runId === runId).length;
    expect(tokens).toBeLessThan(200);
    expect(tokens - reply.tokensSoFar).toBeLessThanOrEqual(2);
  });
});
