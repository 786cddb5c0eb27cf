import { describe, expect, it } from 'vitest';
import { createEngine, type EngineApi } from '../../../src/engine/engine';
import { createServer } from '../../../src/engine/server';
import { LensError } from '../../../src/protocol/errors';
import { PROTOCOL_VERSION, type FromWorker } from '../../../src/protocol/messages';
import { loopback } from '../../support/loopback';

const nodeEnv = { gpu: undefined, crossOriginIsolated: false, ortVersion: 'ort-x', transformersVersion: 'tjs-y' };
const engine = () =>
  createEngine({
    env: nodeEnv,
    emit: () => {},
    loadModel: async () => {
      throw new LensError('model-not-found', 'no models in this test');
    },
  });

describe('typed RPC between client and worker server', () => {
  it('answers hello with the capabilities of the host', async () => {
    const { client } = loopback(engine());
    const reply = await client.call('engine/hello', { protocolVersion: PROTOCOL_VERSION });
    expect(reply.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(reply.capabilities).toMatchObject({
      backend: 'wasm',
      ortVersion: 'ort-x',
      transformersVersion: 'tjs-y',
      crossOriginIsolated: false,
    });
    expect(reply.capabilities.fallbackReason).toMatch(/no WebGPU/);
  });

  it('rehydrates a typed error whose message says what to do', async () => {
    const { client } = loopback(engine());
    const failure = client.call('engine/hello', { protocolVersion: PROTOCOL_VERSION + 1 });
    await expect(failure).rejects.toBeInstanceOf(LensError);
    await expect(failure).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/Reload the page/),
    });
  });

  it('correlates concurrent replies by id, not by order', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const api: EngineApi = {
      ...engine(),
      async 'engine/hello'({ protocolVersion }) {
        calls += 1;
        if (calls === 1) await gate; // the first request answers last
        return {
          protocolVersion,
          capabilities: {
            backend: 'wasm',
            crossOriginIsolated: false,
            ortVersion: String(protocolVersion),
            transformersVersion: '',
          },
        };
      },
    };
    const { client, sent } = loopback(api);
    const first = client.call('engine/hello', { protocolVersion: 11 });
    const second = client.call('engine/hello', { protocolVersion: 22 });
    expect((await second).capabilities.ortVersion).toBe('22');
    release();
    expect((await first).capabilities.ortVersion).toBe('11');
    expect(sent.map((request) => request.id)).toEqual([1, 2]);
  });

  it('refuses messages that are not requests and unknown methods with typed errors', async () => {
    const posted: FromWorker[] = [];
    const serve = createServer(engine(), (message) => posted.push(message));
    await serve('hello');
    await serve({ id: 7, method: 'engine/selfDestruct', params: {} });
    expect(posted).toEqual([
      { kind: 'response', response: { id: -1, ok: false, error: expect.objectContaining({ code: 'bad-request' }) } },
      {
        kind: 'response',
        response: {
          id: 7,
          ok: false,
          error: expect.objectContaining({
            code: 'unknown-method',
            message: expect.stringContaining('engine/selfDestruct'),
          }),
        },
      },
    ]);
  });

  it('turns an unexpected throw into an internal error that keeps its text', async () => {
    const posted: FromWorker[] = [];
    const api: EngineApi = {
      ...engine(),
      async 'engine/hello'() {
        throw new RangeError('boom');
      },
    };
    await createServer(api, (message) => posted.push(message))({
      id: 3,
      method: 'engine/hello',
      params: { protocolVersion: 1 },
    });
    expect(posted[0]).toMatchObject({
      response: { id: 3, ok: false, error: { code: 'internal', message: expect.stringContaining('boom') } },
    });
  });

  it('transfers the buffers of typed arrays in a result instead of copying them', async () => {
    const data = new Float32Array([0.25, 0.5, 0.25]);
    const api: EngineApi = { ...engine(), 'attn/detail': async () => ({ dims: [1, 1, 3] as const, data }) };
    const { client } = loopback(api);
    const detail = await client.call('attn/detail', { runId: 1, caption: 'damro', step: 0 });
    expect(Array.from(detail.data)).toEqual([0.25, 0.5, 0.25]);
    expect(data.byteLength, 'the worker-side buffer was moved, not copied').toBe(0);
  });
});
