import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createLensController, type ImageReader } from '../../../src/controllers/lens-controller';
import { validateRunExport } from '../../../src/core/export/run-export';
import { connectEngine, type WorkerPort } from '../../../src/client/engine-client';
import { LensError } from '../../../src/protocol/errors';
import type { FromWorker, Request } from '../../../src/protocol/messages';
import { modelLoaded } from '../../../src/state/model-actions';
import {
  attentionSelection,
  captionText,
  outliersAtK,
  processorPlanFor,
  tokenAttention,
} from '../../../src/state/derive';
import { buildRunExport } from '../../../src/state/run-export';
import { resetStore, store } from '../../../src/state/store';
import { chooseK, imageChosen, settingsFromUrl, updateSettings } from '../../../src/state/view-actions';
import { CAPTIONS, FAKE_INFO, fakeEngine } from '../../components/fake-engine';

const reader: ImageReader = { measure: async () => ({ width: 64, height: 48 }), objectUrl: () => 'blob:test' };
const image = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' });

async function finishedRun() {
  const engine = fakeEngine();
  const lens = createLensController(engine.client, reader);
  await lens.loadModel();
  await lens.openImage(image, 'test.png');
  await vi.waitFor(() => expect(store.getState().run.phase).toBe('finished'));
  return { engine, lens };
}

describe('the bridge between engine and store', () => {
  beforeEach(resetStore);

  it('records per-file load progress in first-seen order, with the cached mark', async () => {
    const lens = createLensController(fakeEngine().client, reader);
    await lens.loadModel();
    await vi.waitFor(() => expect(store.getState().model.files).toHaveLength(2));
    const { model } = store.getState();
    expect(model.phase).toBe('ready');
    expect(model.files).toEqual([
      { file: 'config.json', loaded: 300, total: 300, cached: true },
      { file: 'onnx/decoder_model.onnx', loaded: 3145728, total: 3145728, cached: false },
    ]);
  });

  it('keeps the engine error code and message when a load fails', async () => {
    const engine = fakeEngine();
    engine.failNextLoad = new LensError('unsupported-model', '"x/y" is a t5 model; DAMRO Lens supports llava.');
    await createLensController(engine.client, reader).loadModel();
    expect(store.getState().model).toMatchObject({
      phase: 'failed',
      error: { code: 'unsupported-model', message: '"x/y" is a t5 model; DAMRO Lens supports llava.' },
    });
  });

  it('starts a run once model and image are there, and streams both captions, frames and steps into the store', async () => {
    const { engine } = await finishedRun();
    expect(engine.runs).toHaveLength(1);
    expect(engine.runs[0]).toMatchObject({
      captions: ['baseline', 'damro'],
      // k: the default for the fake's 16 image tokens, ⌈16 · 10 / 576⌉ = 1 (defaultK).
      damro: { alpha: 1.5, beta: 0.1, k: 1 },
      decoding: { mode: 'greedy' },
      attention: { layerFrom: 0, layerTo: 2, head: 'mean' },
    });
    const { run, attention } = store.getState();
    expect(run.runId).toBe(1);
    expect(captionText(run.captions.baseline.tokens)).toBe('A dog on a couch');
    expect(captionText(run.captions.damro.tokens)).toBe('A dog on the bed');
    expect(run.captions.damro.done).toBe('eos');
    expect(Object.keys(attention.frames)).toHaveLength(10);
    expect(run.steps.map((s) => s.changed)).toEqual([false, false, false, true, false]);
    expect(Array.from(run.outliers!.indices)).toEqual([9]);
  });

  it('asks for the compared methods at their papers’ defaults and streams their captions into the store', async () => {
    updateSettings({ methods: ['vcd', 'ablation'] });
    const { engine } = await finishedRun();
    const methods = [
      { method: 'vcd', params: { alpha: 1, beta: 0.1, noiseStep: 500, noiseSeed: 42 } },
      { method: 'ablation', params: { k: 10 } },
    ];
    expect(engine.runs[0].methods).toEqual(methods);
    const { run } = store.getState();
    expect(run.recipe?.methods).toEqual(methods);
    expect(captionText(run.methodCaptions!.vcd!.tokens)).toBe('vcd sees');
    expect(run.methodCaptions!.ablation).toMatchObject({ done: 'max-tokens' });
    expect(run.methodCaptions!.m3id).toBeUndefined();
    // The export names each method, its source and the parameters it ran with, and the schema accepts it.
    const exported = buildRunExport(store.getState())!;
    expect(validateRunExport(exported)).toEqual([]);
    expect(exported.methods?.map((m) => [m.method, m.label, m.source, m.params, m.caption.text])).toEqual([
      ['vcd', 'VCD', 'https://arxiv.org/abs/2311.16922', methods[0].params, 'vcd sees'],
      ['ablation', 'Outliers removed', 'https://arxiv.org/abs/2410.04514', methods[1].params, 'ablation sees'],
    ]);
    const tampered = { ...exported, methods: [{ ...exported.methods![0], params: { alpha: 'one' } }] };
    expect(validateRunExport(tampered)).toEqual([
      '$.methods[0].params: expected an object of finite numbers, got object',
    ]);
  });

  it('asks for no compared method unless one is chosen', async () => {
    const { engine } = await finishedRun();
    expect(engine.runs[0].methods).toBeUndefined();
    expect(store.getState().run.methodCaptions).toBeUndefined();
  });

  it('a re-run clears the old captions at once and adopts the new run id', async () => {
    const { lens } = await finishedRun();
    const runPromise = lens.run();
    expect(store.getState().run.captions.baseline.tokens).toEqual([]);
    await runPromise;
    await vi.waitFor(() => expect(store.getState().run.phase).toBe('finished'));
    expect(store.getState().run.runId).toBe(2);
    expect(captionText(store.getState().run.captions.baseline.tokens)).toBe(CAPTIONS.baseline.join(''));
  });

  it('shows the newest run when a second run is asked for before the first one’s run/start answers (an image swapped at once)', async () => {
    // A hand-driven worker port: the test decides when each answer and event arrives.
    const requests: Request[] = [];
    let listener: (event: MessageEvent<FromWorker>) => void = () => undefined;
    const port: WorkerPort = {
      postMessage: (message) => void requests.push(message),
      addEventListener: (type: 'message' | 'error', l: never) => {
        if (type === 'message') listener = l;
      },
    };
    const send = (data: FromWorker) => listener({ data } as MessageEvent<FromWorker>);
    const token = (runId: number, text: string): FromWorker => ({
      kind: 'event',
      event: { type: 'run/token', runId, caption: 'baseline', step: 0, tokenId: 5, text },
    });
    const lens = createLensController(connectEngine(port), reader);
    modelLoaded(FAKE_INFO);
    imageChosen({ name: 'a.png', mime: 'image/png', bytes: new ArrayBuffer(3), url: 'blob:a', width: 64, height: 48 });

    const first = lens.run();
    const second = lens.run();
    expect(requests.map((r) => r.method)).toEqual(['run/start', 'run/start']);
    send(token(1, 'old'));
    send({ kind: 'response', response: { id: requests[0].id, ok: true, result: { runId: 1 } } });
    send({ kind: 'response', response: { id: requests[1].id, ok: true, result: { runId: 2 } } });
    await Promise.all([first, second]);
    send(token(2, 'new'));
    send({ kind: 'event', event: { type: 'run/done', runId: 1, caption: 'baseline', reason: 'cancelled', tokens: 1 } });
    send({
      kind: 'event',
      event: { type: 'run/finished', runId: 1, timings: { visionMs: 0, prefillMs: 0, decodeMs: 0, steps: 1 } },
    });
    const { run } = store.getState();
    expect(run.runId).toBe(2);
    expect(run.phase).toBe('running');
    expect(captionText(run.captions.baseline.tokens)).toBe('new');
    expect(run.captions.baseline.done).toBeUndefined();
  });

  it('keeps the loaded model, its run and Run itself when loading another model fails', async () => {
    const { engine, lens } = await finishedRun();
    const before = store.getState();
    engine.failNextLoad = new LensError(
      'network',
      'Could not reach huggingface.co to download https://huggingface.co/x/y/resolve/main/config.json (TypeError: Failed to fetch).',
    );
    updateSettings({ modelId: 'x/y' });
    await lens.loadModel();
    const { model, run, attention } = store.getState();
    expect(model).toMatchObject({ phase: 'ready', info: FAKE_INFO, error: { code: 'network' } });
    expect(run).toBe(before.run);
    expect(attention).toBe(before.attention);
    await lens.run();
    await vi.waitFor(() => expect(store.getState().run.phase).toBe('finished'));
    expect(store.getState().run.runId).toBe(2);
  });

  it('re-aggregates a token from the fetched detail when the layer/head choice differs from the stream', async () => {
    const { lens } = await finishedRun();
    updateSettings({ layerFrom: 1, layerTo: 2, head: 0 });
    const { settings, run } = store.getState();
    const ref = { caption: 'damro' as const, step: 3 };
    const wanted = attentionSelection(settings, FAKE_INFO);
    expect(tokenAttention(store.getState().attention, run.recipe, ref, wanted)).toEqual({ kind: 'needs-detail' });
    await lens.ensureDetail(ref);
    const view = tokenAttention(store.getState().attention, run.recipe, ref, wanted);
    // Layer 1, head 0 of the fake: ((t + 1)·2 + step + 2) / 100.
    expect(view.kind === 'values' && Array.from(view.values)).toEqual(
      Array.from({ length: 16 }, (_, t) => Math.fround(((t + 1) * 2 + 3 + 2) / 100)),
    );
  });

  it('exports the run in a form the version-1 schema accepts, and the schema rejects a tampered copy', async () => {
    await finishedRun();
    const exported = JSON.parse(JSON.stringify(buildRunExport(store.getState())));
    expect(validateRunExport(exported)).toEqual([]);
    expect(exported.captions.damro.tokens[0].attention).toHaveLength(16);
    exported.captions.damro.tokens[1].text = ' cat';
    exported.settings.k = 0;
    delete exported.model.synthetic;
    expect(validateRunExport(exported)).toEqual([
      '$.model.synthetic: missing',
      '$.settings.k: expected an integer ≥ 1, got number 0',
    ]);
  });

  it('maps patches through the processor: a 64×48 image is resized to 42×32 and centre-cropped to 32×32', async () => {
    const plan = processorPlanFor(FAKE_INFO, { width: 64, height: 48 });
    expect(plan.input).toEqual({ width: 32, height: 32 });
    expect(plan.toModel.scaleX).toBeCloseTo(42 / 64, 12);
    expect(plan.toModel.offsetX).toBeCloseTo(-5, 12);
    await finishedRun();
    expect(outliersAtK(store.getState().run.outliers!, 3)).toEqual([9, 2, 11]);
  });
});

describe('k when a model loads', () => {
  beforeEach(resetStore);
  const linked = (k: number) =>
    settingsFromUrl({ ...store.getState().settings, damro: { ...store.getState().settings.damro, k } }, [], false);

  it("becomes the model's default unless the person or a link set it", () => {
    // The fake has 16 image tokens: ⌈16 · 10 / 576⌉ = 1.
    modelLoaded(FAKE_INFO);
    expect(store.getState().settings.damro.k).toBe(1);
    chooseK(4);
    modelLoaded(FAKE_INFO);
    expect(store.getState().settings.damro.k).toBe(4);
  });

  it('keeps a linked k other than 10 (clamped to the image tokens); a linked 10 is the untouched default', () => {
    linked(7);
    modelLoaded(FAKE_INFO);
    expect(store.getState().settings.damro.k).toBe(7);
    linked(40);
    modelLoaded(FAKE_INFO);
    expect(store.getState().settings.damro.k).toBe(16);
    linked(10);
    modelLoaded(FAKE_INFO);
    expect(store.getState().settings.damro.k).toBe(1);
  });
});
