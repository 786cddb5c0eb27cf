// A model folder at an arbitrary http(s) base URL (a self-hosted mirror, or a folder the CLI serves to the
// site's worker): both the engine's files and transformers.js's processor files come from that URL, and the run
// equals the same folder read from disk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFolder, type ServedFolder } from '../../src/cli/serve-folder';
import { ADAPTERS } from '../../src/engine/adapters/registry';
import { createEngine } from '../../src/engine/engine';
import { baseUrlLocation, createModelLoader } from '../../src/engine/load/load-model';
import { baseUrlModelId } from '../../src/engine/runtime/hf';
import type { WorkerEvent } from '../../src/protocol/messages';
import { runParams, runToEnd, tokensOf, useTinyEngine } from '../support/tiny-llava';

const tiny = useTinyEngine();
let served: ServedFolder;
const fetched: string[] = [];

beforeAll(async () => {
  served = await serveFolder(tiny.folder.dir);
});
afterAll(() => served.close());

describe('a model folder at a base URL', () => {
  it('loads through the same loader and captions exactly as the folder read from disk', async () => {
    const events: WorkerEvent[] = [];
    const counting: typeof fetch = (input, init) => (fetched.push(String(input)), fetch(input, init));
    const engine = createEngine({
      env: { gpu: undefined, crossOriginIsolated: false, ortVersion: 'node', transformersVersion: 'node' },
      emit: (event) => events.push(event),
      loadModel: createModelLoader({
        adapters: ADAPTERS,
        locate: (modelId) => baseUrlLocation(modelId, counting),
        backend: async () => 'wasm',
      }),
    });
    const info = await engine['model/load']({ modelId: served.url, dtype: 'fp32' });
    expect(info).toMatchObject({ id: served.url, family: 'llava', synthetic: true });
    expect(fetched).toEqual(
      expect.arrayContaining([`${served.url}config.json`, `${served.url}onnx/decoder_model_merged.onnx`]),
    );
    const fromUrl = await runToEnd(engine, events, runParams());
    const fromDisk = await runToEnd(tiny.engine, tiny.events, runParams());
    for (const caption of ['baseline', 'damro'] as const)
      expect(tokensOf(fromUrl, caption)).toEqual(tokensOf(fromDisk, caption));
    expect(tokensOf(fromUrl, 'baseline').length).toBeGreaterThan(3);
  });

  it('gives transformers.js a distinct valid model id per URL (it memoizes lookups by id)', () => {
    const [a, b] = ['http://127.0.0.1:1/a/', 'http://127.0.0.1:1/b/'].map(baseUrlModelId);
    expect(a).toMatch(/^base-url\/[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });

  it('a missing folder is refused with the URL that failed', async () => {
    const engine = createEngine({
      env: { gpu: undefined, crossOriginIsolated: false, ortVersion: 'node', transformersVersion: 'node' },
      emit: () => undefined,
      loadModel: createModelLoader({
        adapters: ADAPTERS,
        locate: (modelId) => baseUrlLocation(modelId),
        backend: async () => 'wasm',
      }),
    });
    await expect(engine['model/load']({ modelId: `${served.url}nowhere/`, dtype: 'fp32' })).rejects.toMatchObject({
      code: 'model-not-found',
      message: expect.stringContaining(`${served.url}nowhere/config.json`),
    });
  });
});
