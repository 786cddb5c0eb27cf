// A model whose weights are split over several external-data files per graph (as large Hub exports ship them):
// the loader takes the file names from the graph, reads each once, and gives them all to the session. The split
// folder must behave exactly like the same model with inline weights (outlier scores, attention, captions), and
// its greedy baseline must equal transformers.js generate() loading the split files itself.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineApi } from '../../src/engine/engine';
import { configureHub } from '../../src/engine/runtime/hf';
import { scanModel } from '../../src/engine/onnx/scan';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { standardChunks, withSplitWeights } from '../../src/factory/split-weights/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import type { WorkerEvent } from '../../src/protocol/messages';
import { nodeEngine, runParams, runToEnd, tokensOf, transformersGreedyTokens } from '../support/tiny-llava';

const root = mkdtempSync(join(tmpdir(), 'damro-split-weights-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const plainFiles = makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).files;
const splitFiles = withSplitWeights(plainFiles, {
  'decoder_model_merged.onnx': standardChunks(3),
  // Names transformers.js's chunk convention would never guess: only the graph's entries find them.
  'vision_encoder.onnx': () => ['tower-weights-a.bin', 'tower-weights-b.bin', 'tower-weights-c.bin'],
  'embed_tokens.onnx': standardChunks(1),
});

type Loaded = { engine: EngineApi; events: WorkerEvent[] };
const engines: Record<'plain' | 'split', Loaded> = {} as never;

beforeAll(async () => {
  await writeModelFolder(join(root, 'plain'), plainFiles);
  await writeModelFolder(join(root, 'split'), splitFiles);
  for (const name of ['plain', 'split'] as const) {
    configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
    engines[name] = nodeEngine(join(root, name));
    await engines[name].engine['model/load']({ modelId: name, dtype: 'fp32' });
  }
});

describe('weights split over several external-data files', () => {
  it('the fixture really is split: no weight bytes inline, three non-empty files per split graph', () => {
    const decoder = scanModel(splitFiles.get('onnx/decoder_model_merged.onnx')!);
    const external = decoder.graph.initializers.filter((i) => i.external);
    expect(external.length).toBeGreaterThan(10);
    expect(splitFiles.get('onnx/decoder_model_merged.onnx')!.length).toBeLessThan(
      plainFiles.get('onnx/decoder_model_merged.onnx')!.length / 10,
    );
    const onnxDir = readdirSync(join(root, 'split', 'onnx')).sort();
    expect(onnxDir).toEqual(
      expect.arrayContaining([
        'decoder_model_merged.onnx_data',
        'decoder_model_merged.onnx_data_1',
        'decoder_model_merged.onnx_data_2',
        'tower-weights-a.bin',
        'tower-weights-c.bin',
      ]),
    );
    for (const name of ['decoder_model_merged.onnx_data_2', 'tower-weights-c.bin'])
      expect(splitFiles.get(`onnx/${name}`)!.length).toBeGreaterThan(1000);
  });

  it('reads every data file the graphs name exactly once, with progress', () => {
    const files = engines.split.events.flatMap((e) => (e.type === 'load/progress' ? [e.file] : []));
    const dataFiles = [...splitFiles.keys()].filter((p) => /onnx_data|\.bin$/.test(p));
    expect(dataFiles).toHaveLength(7);
    for (const file of dataFiles) expect(files.filter((f) => f === file)).toHaveLength(1);
  });

  it('gives the outlier scores, attention and captions of the same model with inline weights', async () => {
    const params = runParams({ damro: { alpha: 2, beta: 0.1, k: 2 } });
    const [plain, split] = [
      await runToEnd(engines.plain.engine, engines.plain.events, params),
      await runToEnd(engines.split.engine, engines.split.events, params),
    ];
    const outliers = (run: WorkerEvent[]) =>
      run.find((e): e is Extract<WorkerEvent, { type: 'run/outliers' }> => e.type === 'run/outliers')!;
    const [a, b] = [outliers(plain), outliers(split)];
    a.scores.forEach((s, i) => expect(Math.abs(s - b.scores[i]!)).toBeLessThan(1e-4));
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
    const frames = (run: WorkerEvent[]) =>
      run.flatMap((e) => (e.type === 'run/attention' ? [Array.from(e.values)] : []));
    expect(frames(split).length).toBeGreaterThan(0);
    frames(split).forEach((frame, f) =>
      frame.forEach((v, i) => expect(Math.abs(v - frames(plain)[f]![i]!)).toBeLessThan(1e-4)),
    );
    for (const caption of ['baseline', 'damro'] as const)
      expect(tokensOf(split, caption)).toEqual(tokensOf(plain, caption));
  });

  it('greedy baseline is token-identical to transformers.js generate() on the split files', async () => {
    const run = await runToEnd(engines.split.engine, engines.split.events, runParams({ captions: ['baseline'] }));
    const expected = await transformersGreedyTokens(root, 'split');
    expect(tokensOf(run, 'baseline')).toEqual(expected);
    expect(expected.length).toBeGreaterThan(3);
  });
});
