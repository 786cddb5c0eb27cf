// The engine never lets two ORT jobs overlap, however the page's requests interleave. The real tiny captioner
// and the synthetic detector run on ORT's wasm backend; every entry into ORT (model load, vision pass, decoder
// rows, prefill, step, detection) is wrapped to count how many are inside at once. The page's image swap is
// replayed the way the page sends it (run/start and detect/run for the new image, nothing awaited) at several
// points of the first image's work: before anything started, while the detection runs, during the vision
// pass, and after 1 and 4 tokens. In the browser an overlap corrupted ORT's memory; here it is counted.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecoderRunner } from '../../src/engine/decode/runner';
import { createEngine, type EngineApi } from '../../src/engine/engine';
import type { LoadedModel } from '../../src/engine/model';
import { LensError } from '../../src/protocol/errors';
import type { DetectParams, RunParams, WorkerEvent } from '../../src/protocol/messages';
import { DETECTOR_ID, syntheticDetectorFolder } from '../support/synthetic-detector';
import { nodeLoader, runParams, testImage, tinyLlavaFolder } from '../support/tiny-llava';

interface Probe {
  inside: number;
  most: number;
  entries: number;
}

function guarded<A extends unknown[], R>(probe: Probe, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    probe.inside++;
    probe.entries++;
    probe.most = Math.max(probe.most, probe.inside);
    try {
      return await fn(...args);
    } finally {
      probe.inside--;
    }
  };
}

function guardRunner(probe: Probe, runner: DecoderRunner): DecoderRunner {
  return {
    prefill: guarded(probe, runner.prefill.bind(runner)),
    step: guarded(probe, runner.step.bind(runner)),
    dispose: runner.dispose.bind(runner),
  };
}

function guardModel(probe: Probe, model: LoadedModel): LoadedModel {
  return {
    info: model.info,
    eosTokenIds: model.eosTokenIds,
    encodeImage: guarded(probe, model.encodeImage.bind(model)),
    buildRows: guarded(probe, model.buildRows.bind(model)),
    buildRow: guarded(probe, model.buildRow.bind(model)),
    createRunner: () => guardRunner(probe, model.createRunner()),
    detokenize: model.detokenize.bind(model),
    dispose: model.dispose.bind(model),
  };
}

const UNREACHABLE = 'nobody/unreachable-model';

type Moment = 'at once' | 'detection running' | 'vision pass' | 'first token' | 'fourth token';
const MOMENTS: readonly Moment[] = ['at once', 'detection running', 'vision pass', 'first token', 'fourth token'];

describe('one ORT job at a time', () => {
  const roots: string[] = [];
  let engine: EngineApi;
  let events: WorkerEvent[];
  let probe: Probe;
  let detecting = false;
  let encoding = false;

  beforeAll(async () => {
    const captioner = await tinyLlavaFolder();
    const detector = await syntheticDetectorFolder();
    roots.push(captioner.root, detector.root);
    probe = { inside: 0, most: 0, entries: 0 };
    events = [];
    const load = nodeLoader(captioner.dir);
    engine = createEngine({
      env: { gpu: undefined, crossOriginIsolated: false, ortVersion: 'node', transformersVersion: 'node' },
      emit: (event) => events.push(event),
      loadModel: guarded(probe, async (...args: Parameters<typeof load>) => {
        if (args[0] === UNREACHABLE)
          throw new LensError('network', `Could not reach huggingface.co to download ${UNREACHABLE}.`);
        const model = guardModel(probe, await load(...args));
        const encode = model.encodeImage;
        return {
          ...model,
          encodeImage: (image) => ((encoding = true), encode(image).finally(() => (encoding = false))),
        };
      }),
      loadDetector: guarded(probe, async (modelId: string) => {
        const model = await detector.load(modelId);
        const detect = guarded(probe, model.detect.bind(model));
        return {
          synthetic: model.synthetic,
          dispose: model.dispose.bind(model),
          detect: (...args) => ((detecting = true), detect(...args).finally(() => (detecting = false))),
        };
      }),
    });
    await engine['model/load']({ modelId: captioner.modelId, dtype: 'fp32' });
  });
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  const until = async (condition: () => boolean): Promise<void> => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 0));
  };
  const tokens = (runId: number) => events.filter((e) => e.type === 'run/token' && e.runId === runId).length;
  const ended = (runId: number) =>
    events.find((e) => (e.type === 'run/finished' || e.type === 'run/error') && e.runId === runId);

  /** What the page sends for a newly dropped image whose ground truth comes from the detector. */
  function openImage(image: RunParams['image']): {
    runId: Promise<number>;
    detection: Promise<PromiseSettledResult<unknown>>;
  } {
    const detect: DetectParams = { image, modelId: DETECTOR_ID, threshold: 0.5 };
    const runId = engine['run/start'](runParams({ image, maxNewTokens: 8 })).then((r) => r.runId);
    return { runId, detection: Promise.allSettled([engine['detect/run'](detect)]).then(([outcome]) => outcome) };
  }

  it.each(MOMENTS)('swapping the image (%s) runs every ORT job alone and finishes the new image', async (moment) => {
    const first = openImage(testImage(48, 40));
    const firstRun = await first.runId;
    const conditions: Record<Moment, () => boolean> = {
      'at once': () => true,
      'detection running': () => detecting,
      'vision pass': () => encoding,
      'first token': () => tokens(firstRun) >= 1,
      'fourth token': () => tokens(firstRun) >= 4 || ended(firstRun) !== undefined,
    };
    await until(conditions[moment]);
    const second = openImage(testImage(40, 48));
    // Swapping twice in a row is what a person double-dropping does; only the last image must finish.
    const third = openImage(testImage(32, 32));
    const lastRun = await third.runId;
    await until(() => ended(lastRun) !== undefined);

    expect(probe.most, 'ORT jobs inside at once').toBe(1);
    expect(probe.entries).toBeGreaterThan(0);
    const detected = await Promise.all([first.detection, second.detection, third.detection]);
    expect(detected[2].status, 'the newest image is always detected').toBe('fulfilled');
    for (const outcome of detected) {
      if (outcome.status === 'rejected')
        expect((outcome.reason as { code: string }).code, 'an older detection is only ever dropped').toBe('cancelled');
    }
    expect(ended(lastRun)?.type).toBe('run/finished');
    expect(tokens(lastRun)).toBeGreaterThan(0);
    const superseded = [firstRun, await second.runId];
    for (const runId of superseded) {
      const end = ended(runId);
      expect(end?.type, `run ${runId} ends (cancelled or finished), never fails`).toBe('run/finished');
    }
    expect(probe.inside).toBe(0);
  });

  it('keeps the loaded model when loading another one fails, and runs on it', async () => {
    await expect(engine['model/load']({ modelId: UNREACHABLE, dtype: 'fp32' })).rejects.toMatchObject({
      code: 'network',
    });
    const { runId } = await engine['run/start'](runParams({ maxNewTokens: 4 }));
    await until(() => ended(runId) !== undefined);
    expect(ended(runId)?.type).toBe('run/finished');
    expect(tokens(runId)).toBeGreaterThan(0);
  });
});
