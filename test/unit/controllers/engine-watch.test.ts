// The page notices a worker that stops answering. A hand-driven port stands in for the worker and a hand-driven
// clock for time: the watch checks once a second, so advancing the clock second by second replays minutes of
// silence exactly.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createLensController } from '../../../src/controllers/lens-controller';
import {
  COMPILE_SILENCE_LIMIT_MS,
  connectEngine,
  restartableEngine,
  SILENCE_LIMIT_MS,
  type Clock,
  type WorkerPort,
} from '../../../src/client/engine-client';
import { LensError } from '../../../src/protocol/errors';
import type { FromWorker, Request } from '../../../src/protocol/messages';
import { modelLoaded } from '../../../src/state/model-actions';
import { resetStore, store } from '../../../src/state/store';
import { imageChosen } from '../../../src/state/view-actions';
import { FAKE_INFO } from '../../components/fake-engine';

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  const ticks: { every: number; next: number; tick: () => void }[] = [];
  return {
    now: () => now,
    every(ms, tick) {
      const entry = { every: ms, next: now + ms, tick };
      ticks.push(entry);
      return () => ticks.splice(ticks.indexOf(entry), 1);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = ticks.filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.every;
        due.tick();
      }
      now = end;
    },
  };
}

function manualWorker() {
  const requests: Request[] = [];
  let listener: (event: MessageEvent<FromWorker>) => void = () => undefined;
  let terminated = false;
  const port: WorkerPort = {
    postMessage: (message) => void requests.push(message),
    addEventListener: (type: 'message' | 'error', l: never) => {
      if (type === 'message') listener = l;
    },
    terminate: () => void (terminated = true),
  };
  return {
    port,
    requests,
    send: (data: FromWorker) => listener({ data } as MessageEvent<FromWorker>),
    answer: (request: Request, result: unknown) =>
      listener({
        data: { kind: 'response', response: { id: request.id, ok: true, result } },
      } as MessageEvent<FromWorker>),
    get terminated() {
      return terminated;
    },
  };
}

const alive: FromWorker = { kind: 'event', event: { type: 'engine/alive' } };
const RUN = {
  image: { kind: 'rgba', width: 1, height: 1, data: new Uint8ClampedArray(4) },
  prompt: 'p',
  captions: ['baseline'],
  damro: { alpha: 1, beta: 0.1, k: 1 },
  decoding: { mode: 'greedy' },
  maxNewTokens: 4,
  attention: { layerFrom: 0, layerTo: 1, head: 'mean' },
} as const;

describe('the silent-worker watch', () => {
  let clock: ReturnType<typeof manualClock>;
  let worker: ReturnType<typeof manualWorker>;
  let reports: (number | undefined)[];
  beforeEach(() => {
    clock = manualClock();
    worker = manualWorker();
    reports = [];
  });
  const connect = () => {
    const client = connectEngine(worker.port, clock);
    client.onSilence((ms) => reports.push(ms));
    return client;
  };

  it('says nothing about an idle worker, however long it is quiet', () => {
    connect();
    clock.advance(10 * 60_000);
    expect(reports).toEqual([]);
  });

  it('reports a run whose worker fell silent, once, on the first check past the limit; and clears when heard again', async () => {
    expect(SILENCE_LIMIT_MS).toBe(30_000);
    const client = connect();
    const started = client.call('run/start', RUN);
    worker.answer(worker.requests[0], { runId: 1 });
    await started;
    clock.advance(30_000);
    expect(reports, 'exactly at the limit is not past it').toEqual([]);
    clock.advance(1_000);
    expect(reports).toEqual([31_000]);
    clock.advance(60_000);
    expect(reports, 'one report per silence').toEqual([31_000]);
    worker.send(alive);
    expect(reports).toEqual([31_000, undefined]);
  });

  it('keeps quiet while the worker keeps saying it is alive, and stops watching when the run ends', async () => {
    const client = connect();
    const started = client.call('run/start', RUN);
    worker.answer(worker.requests[0], { runId: 1 });
    await started;
    for (let s = 0; s < 120; s += 5) {
      clock.advance(5_000);
      worker.send(alive);
    }
    worker.send({
      kind: 'event',
      event: { type: 'run/finished', runId: 1, timings: { visionMs: 0, prefillMs: 0, decodeMs: 0, steps: 0 } },
    });
    clock.advance(5 * 60_000);
    expect(reports).toEqual([]);
  });

  it('allows a model load and its first run the longer limit of shader compilation', async () => {
    expect(COMPILE_SILENCE_LIMIT_MS).toBe(180_000);
    const client = connect();
    const loading = client.call('model/load', { modelId: 'm', dtype: 'fp32' });
    clock.advance(179_000);
    expect(reports).toEqual([]);
    worker.answer(worker.requests[0], { id: 'm' });
    await loading;
    // The first run on the new model still compiles its shaders.
    const started = client.call('run/start', RUN);
    worker.answer(worker.requests[1], { runId: 1 });
    await started;
    clock.advance(120_000);
    expect(reports).toEqual([]);
    worker.send({
      kind: 'event',
      event: { type: 'run/token', runId: 1, caption: 'baseline', step: 0, tokenId: 3, text: 'a' },
    });
    // Compiled: the next silence is held to the ordinary limit.
    clock.advance(31_000);
    expect(reports).toEqual([31_000]);
  });

  it('restarting fails the waiting calls with the reason, terminates the worker and sends new calls to a fresh one', async () => {
    const workers = [manualWorker(), manualWorker()];
    let spawned = 0;
    const client = restartableEngine(() => workers[spawned++].port, clock);
    client.onSilence((ms) => reports.push(ms));
    const stuck = client.call('eval/image', { jobId: 1 } as never);
    clock.advance(31_000);
    expect(reports).toEqual([31_000]);
    client.restart(new LensError('worker-restarted', 'restarted'));
    await expect(stuck).rejects.toMatchObject({ code: 'worker-restarted' });
    expect(workers[0].terminated).toBe(true);
    expect(reports).toEqual([31_000, undefined]);
    const hello = client.call('engine/hello', { protocolVersion: 1 });
    expect(workers[1].requests.map((r) => r.method)).toEqual(['engine/hello']);
    workers[1].answer(workers[1].requests[0], { protocolVersion: 1 });
    await expect(hello).resolves.toEqual({ protocolVersion: 1 });
  });

  it('the page’s restart marks the lost run, starts a fresh worker and loads the model that was loaded', async () => {
    resetStore();
    const workers = [manualWorker(), manualWorker()];
    let spawned = 0;
    const lens = createLensController(
      restartableEngine(() => workers[spawned++].port, clock),
      { measure: async () => ({ width: 1, height: 1 }), objectUrl: () => 'blob:x' },
    );
    modelLoaded(FAKE_INFO);
    imageChosen({ name: 'a.png', mime: 'image/png', bytes: new ArrayBuffer(3), url: 'blob:a', width: 64, height: 48 });
    const run = lens.run();
    workers[0].answer(workers[0].requests[0], { runId: 1 });
    await run;

    const restarting = lens.restartEngine();
    expect(workers[0].terminated).toBe(true);
    expect(store.getState().run).toMatchObject({ phase: 'failed', error: { code: 'worker-restarted' } });
    expect(store.getState().engine.phase).toBe('starting');
    await vi.waitFor(() => expect(workers[1].requests.map((r) => r.method)).toEqual(['engine/hello']));
    workers[1].answer(workers[1].requests[0], {
      protocolVersion: 1,
      capabilities: { backend: 'wasm', crossOriginIsolated: false, ortVersion: 't', transformersVersion: 't' },
    });
    await vi.waitFor(() => expect(workers[1].requests.map((r) => r.method)).toEqual(['engine/hello', 'model/load']));
    expect(workers[1].requests[1].params).toMatchObject({ modelId: FAKE_INFO.id, dtype: FAKE_INFO.dtype });
    workers[1].answer(workers[1].requests[1], FAKE_INFO);
    await restarting;
    expect(store.getState().model).toMatchObject({ phase: 'ready', info: FAKE_INFO });
  });
});
