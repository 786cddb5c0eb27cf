// An Optimum-style merged decoder (one If node on use_cache_branch; the without-past decoder in else_branch, the
// with-past one in then_branch, shared weights in the main graph) through the production path: the taps added
// inside both branches equal the float64 reference forward pass at a prefill (else_branch) and a cached step
// (then_branch); loaded by the engine, the greedy baseline equals transformers.js generate() on the same files,
// and a DAMRO run gives the outliers, attention and captions of the same weights in a decoder without an If node,
// also with the merged decoder's weights split over three external-data files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EngineApi } from '../../src/engine/engine';
import { scanModel } from '../../src/engine/onnx/scan';
import { readCacheBranchIf, cacheBranchIfNode } from '../../src/engine/onnx/if-node';
import { configureHub } from '../../src/engine/runtime/hf';
import { ort } from '../../src/engine/runtime/ort';
import { readDecoderAttention, tapDecoder } from '../../src/engine/taps/decoder-tap';
import { makeIfMergedLlavaModel } from '../../src/factory/if-merged/make-model';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { standardChunks, withSplitWeights } from '../../src/factory/split-weights/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import type { WorkerEvent } from '../../src/protocol/messages';
import { expectedRow, maxAbsDiff, prefillAndStep, twoRowBatch } from '../support/tapped-decoder';
import { nodeEngine, runParams, runToEnd, tokensOf, transformersGreedyTokens } from '../support/tiny-llava';

const plain = makeLlavaModel({ size: 'tiny', dtype: 'fp32' });
const mergedFiles = makeIfMergedLlavaModel();
const merged = mergedFiles.get('onnx/decoder_model_merged.onnx')!;
const t = plain.weights.dims.text;

describe('the If-merged fixture', () => {
  it('has Optimum’s layout: one If node on use_cache_branch, attention in both branches, weights in the main graph', () => {
    const model = scanModel(merged);
    expect(model.graph.nodes.map((n) => [n.name, n.opType, n.inputs])).toEqual([
      ['optimum::if', 'If', ['use_cache_branch']],
    ]);
    expect(model.graph.inputs).toContain('use_cache_branch');
    expect(model.graph.inputs).toContain('past_key_values.1.value');
    expect(model.graph.initializers.length).toBeGreaterThan(20);
    const found = readCacheBranchIf(merged, model, cacheBranchIfNode(model)!);
    for (const branch of found.branches) {
      expect(branch.graph.initializers).toEqual([]);
      expect(branch.graph.nodes.filter((n) => n.opType === 'Softmax')).toHaveLength(t.layers);
      expect(branch.graph.outputs).toEqual(model.graph.outputs);
    }
    // Only the with-past branch reads the cache inputs.
    const readsPast = (name: 'then_branch' | 'else_branch') =>
      found.branches.find((b) => b.name === name)!.graph.nodes.some((n) => n.inputs.includes('past_key_values.0.key'));
    expect([readsPast('then_branch'), readsPast('else_branch')]).toEqual([true, false]);
  });
});

describe('tapDecoder inside the If branches (ORT wasm)', () => {
  // Two rows of different lengths, left-padded, as the decoder-tap test on the plain decoder.
  const batch = twoRowBatch(t.hidden, 'if-merged-tap');
  const { WIDTH } = batch;
  const branchFlag = (withPast: boolean) => ({
    use_cache_branch: new ort.Tensor('bool', Uint8Array.of(withPast ? 1 : 0), [1]),
  });

  it('taps both branches: prefill (else_branch) and cached step (then_branch) equal the reference within 1e-4', async () => {
    const { bytes, tap } = tapDecoder(merged);
    expect(tap.layers).toBe(t.layers);
    const tapped = await ort.InferenceSession.create(bytes);
    const untapped = await ort.InferenceSession.create(merged);
    const embed = await ort.InferenceSession.create(plain.files.get('onnx/embed_tokens.onnx')!);

    const { prefillFeeds, stepFeeds, prefill, step, prefillRef, stepRef } = await prefillAndStep(
      tapped,
      embed,
      plain.weights,
      batch,
      branchFlag,
    );

    for (let b = 0; b < 2; b++) {
      const fromPrefill = readDecoderAttention(tap, prefill, b, 0, WIDTH);
      expect(maxAbsDiff(fromPrefill, expectedRow(prefillRef, plain.weights, b, WIDTH, WIDTH))).toBeLessThan(1e-4);
      const fromStep = readDecoderAttention(tap, step, b, 0, WIDTH + 1);
      expect(maxAbsDiff(fromStep, expectedRow(stepRef, plain.weights, b, 1, WIDTH + 1))).toBeLessThan(1e-4);
      // Not a constant: attention differs between layers and heads.
      expect(Math.max(...fromStep) - Math.min(...fromStep)).toBeGreaterThan(1e-3);
    }
    // [batch, layers·heads, 1, keys] from whichever branch ran.
    expect(prefill[tap.output]!.dims).toEqual([2, t.layers * t.heads, 1, WIDTH]);
    expect(step[tap.output]!.dims).toEqual([2, t.layers * t.heads, 1, WIDTH + 1]);
    // The edit leaves the decoder's own outputs bit-identical, in both branches.
    const [plainPrefill, plainStep] = [await untapped.run(prefillFeeds), await untapped.run(stepFeeds)];
    for (const name of untapped.outputNames) {
      expect(prefill[name]!.data).toEqual(plainPrefill[name]!.data);
      expect(step[name]!.data).toEqual(plainStep[name]!.data);
    }
    await Promise.all([tapped.release(), untapped.release(), embed.release()]);
  });
});

describe('engine on an If-merged decoder', () => {
  const root = mkdtempSync(join(tmpdir(), 'damro-if-merged-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const engines = {} as Record<'plain' | 'merged' | 'split', { engine: EngineApi; events: WorkerEvent[] }>;

  beforeAll(async () => {
    await writeModelFolder(join(root, 'plain'), plain.files);
    await writeModelFolder(join(root, 'merged'), mergedFiles);
    // As large merged exports ship: the shared weights, all in the main graph, over several external-data files.
    await writeModelFolder(
      join(root, 'split'),
      withSplitWeights(mergedFiles, { 'decoder_model_merged.onnx': standardChunks(3) }),
    );
    for (const name of ['plain', 'merged', 'split'] as const) {
      configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
      engines[name] = nodeEngine(join(root, name));
      await engines[name].engine['model/load']({ modelId: name, dtype: 'fp32' });
    }
  });

  it('greedy baseline is token-identical to transformers.js generate() on the merged files', async () => {
    const run = await runToEnd(engines.merged.engine, engines.merged.events, runParams({ captions: ['baseline'] }));
    const expected = await transformersGreedyTokens(root, 'merged');
    expect(tokensOf(run, 'baseline')).toEqual(expected);
    expect(expected.length).toBeGreaterThan(3);
  });

  it('runs DAMRO with the outliers, attention frames and captions of the same weights without an If node', async () => {
    const params = runParams({ damro: { alpha: 2, beta: 0.1, k: 2 } });
    const a = await runToEnd(engines.plain.engine, engines.plain.events, params);
    const session = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;
    const run = vi.spyOn(session, 'run');
    const b = await runToEnd(engines.merged.engine, engines.merged.events, params);
    // As transformers.js feeds it: false for the prefills (full prompt, outlier prompt), true for every cached step.
    const flags = run.mock.calls.flatMap((call) => {
      const flag = (call[0] as Record<string, ort.Tensor>).use_cache_branch;
      return flag ? [Array.from(flag.data as Uint8Array)] : [];
    });
    run.mockRestore();
    expect(flags.slice(0, 2)).toEqual([[0], [0]]);
    expect(flags.length).toBeGreaterThan(4);
    expect(flags.slice(2).every(([f]) => f === 1)).toBe(true);
    const outliers = (run: WorkerEvent[]) =>
      run.find((e): e is Extract<WorkerEvent, { type: 'run/outliers' }> => e.type === 'run/outliers')!;
    expect(Array.from(outliers(b).indices)).toEqual(Array.from(outliers(a).indices));
    const frames = (run: WorkerEvent[]) =>
      run.flatMap((e) => (e.type === 'run/attention' ? [Array.from(e.values)] : []));
    expect(frames(b).length).toBe(b.filter((e) => e.type === 'run/token').length);
    expect(frames(b).length).toBeGreaterThan(0);
    frames(b).forEach((frame, f) =>
      frame.forEach((v, i) => expect(Math.abs(v - frames(a)[f]![i]!)).toBeLessThan(1e-4)),
    );
    for (const caption of ['baseline', 'damro'] as const) expect(tokensOf(b, caption)).toEqual(tokensOf(a, caption));
    expect(tokensOf(b, 'damro')).not.toEqual(tokensOf(b, 'baseline'));

    // The same decoder with its weights in three external-data files reads them and runs the same.
    const c = await runToEnd(engines.split.engine, engines.split.events, params);
    expect(engines.split.events.filter((e) => e.type === 'load/progress' && /onnx_data_2$/.test(e.file))).toHaveLength(
      1,
    );
    frames(c).forEach((frame, f) =>
      frame.forEach((v, i) => expect(Math.abs(v - frames(b)[f]![i]!)).toBeLessThan(1e-4)),
    );
    for (const caption of ['baseline', 'damro'] as const) expect(tokensOf(c, caption)).toEqual(tokensOf(b, caption));
  });
});
