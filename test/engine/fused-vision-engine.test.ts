// A vision tower whose attention ORT fused into com.microsoft MultiHeadAttention (q, k, v, packed bias): the
// adapted outlier scores are recomputed from the op's q/k inputs and must equal, within float error, the scores
// the eager twin (same weights, MatMul/Softmax attention) yields from its probabilities in the graph; captions
// are the same. Synthetic Idefics3 (SmolVLM layout), Node, ORT wasm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanModel } from '../../src/engine/onnx/scan';
import { configureHub } from '../../src/engine/runtime/hf';
import { IDEFICS3_TINY } from '../../src/factory/idefics3/dims';
import { makeIdefics3Model } from '../../src/factory/idefics3/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import type { NoClsScorer, WorkerEvent } from '../../src/protocol/messages';
import { idefics3GreedyTokens } from '../support/tiny-idefics3';
import { nodeEngine, runParams, runToEnd, tokensOf } from '../support/tiny-llava';

const root = mkdtempSync(join(tmpdir(), 'damro-fused-vision-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(attention: 'eager' | 'fused', noClsScorer: NoClsScorer, visionScale?: number) {
  const modelId = `idefics3-${attention}-${visionScale ?? 'default'}`;
  const model = makeIdefics3Model({ visionAttention: attention, visionScale });
  await writeModelFolder(join(root, modelId), model.files);
  configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
  const { engine, events } = nodeEngine(join(root, modelId));
  await engine['model/load']({ modelId, dtype: 'fp32', noClsScorer });
  const events_ = await runToEnd(engine, events, runParams({ maxNewTokens: 6 }));
  const outliers = events_.find((e): e is Extract<WorkerEvent, { type: 'run/outliers' }> => e.type === 'run/outliers')!;
  return { model, outliers, events: events_ };
}

describe('fused MultiHeadAttention vision tower', () => {
  it('is really fused: the graph has MultiHeadAttention and no Softmax', () => {
    const graph = scanModel(
      makeIdefics3Model({ visionAttention: 'fused' }).files.get('onnx/vision_encoder.onnx')!,
    ).graph;
    expect(graph.nodes.filter((n) => n.opType === 'MultiHeadAttention')).toHaveLength(2);
    expect(graph.nodes.some((n) => n.opType === 'Softmax')).toBe(false);
  });

  it.each(['mean-received-attention', 'token-norm'] as const)(
    'gives the eager tower’s %s scores and captions',
    async (scorer) => {
      const [eager, fused] = [await run('eager', scorer), await run('fused', scorer)];
      expect(fused.outliers.scorer).toMatchObject({ name: scorer, faithful: false });
      const scale = Math.max(...eager.outliers.scores);
      eager.outliers.scores.forEach((s, i) =>
        expect(Math.abs(s - fused.outliers.scores[i]!) / scale).toBeLessThan(1e-4),
      );
      expect(Array.from(fused.outliers.indices)).toEqual(Array.from(eager.outliers.indices));
      for (const caption of ['baseline', 'damro'] as const)
        expect(tokensOf(fused.events, caption)).toEqual(tokensOf(eager.events, caption));
    },
  );
});

describe('fused MultiHeadAttention vision tower with an explicit scale attribute', () => {
  const headDim = IDEFICS3_TINY.base.vision.hidden / IDEFICS3_TINY.base.vision.heads;

  // 1/√headDim written out, as real exports do; and a scale 3× that, which only a recomputation using the op's
  // own attribute reproduces (the eager twin multiplies q·kᵀ by the same value before its Softmax).
  it.each([1 / Math.sqrt(headDim), 3 / Math.sqrt(headDim)])(
    'loads and recomputes the eager tower’s received-attention scores at scale %f',
    async (scale) => {
      const graph = scanModel(
        makeIdefics3Model({ visionAttention: 'fused', visionScale: scale }).files.get('onnx/vision_encoder.onnx')!,
      ).graph;
      expect(
        graph.nodes
          .filter((n) => n.opType === 'MultiHeadAttention')
          .map((n) => n.attributes.find((a) => a.name === 'scale')?.f),
      ).toEqual([Math.fround(scale), Math.fround(scale)]);
      const [eager, fused] = [
        await run('eager', 'mean-received-attention', scale),
        await run('fused', 'mean-received-attention', scale),
      ];
      const peak = Math.max(...eager.outliers.scores);
      eager.outliers.scores.forEach((s, i) =>
        expect(Math.abs(s - fused.outliers.scores[i]!) / peak).toBeLessThan(1e-4),
      );
      expect(Array.from(fused.outliers.indices)).toEqual(Array.from(eager.outliers.indices));
      for (const caption of ['baseline', 'damro'] as const)
        expect(tokensOf(fused.events, caption)).toEqual(tokensOf(eager.events, caption));
    },
  );

  it('greedy baseline at 3/√headDim is token-identical to transformers.js generate() on the fused files', async () => {
    const { events } = await run('fused', 'mean-received-attention', 3 / Math.sqrt(headDim));
    // run() captions 6 new tokens.
    const { tokens } = await idefics3GreedyTokens(root, `idefics3-fused-${3 / Math.sqrt(headDim)}`, 6);
    expect(tokensOf(events, 'baseline')).toEqual(tokens);
    expect(tokens.length).toBeGreaterThan(3);
  });

  it('a scale other than the default changes the scores (the oracle above can tell)', async () => {
    const [plain, scaled] = [
      await run('eager', 'mean-received-attention'),
      await run('eager', 'mean-received-attention', 3 / Math.sqrt(headDim)),
    ];
    const diff = Math.max(...plain.outliers.scores.map((s, i) => Math.abs(s - scaled.outliers.scores[i]!)));
    expect(diff / Math.max(...plain.outliers.scores)).toBeGreaterThan(1e-2);
  });
});
