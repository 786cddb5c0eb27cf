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
import { makeIdefics3Model } from '../../src/factory/idefics3/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import type { NoClsScorer, WorkerEvent } from '../../src/protocol/messages';
import { nodeEngine, runParams, runToEnd, tokensOf } from '../support/tiny-llava';

const root = mkdtempSync(join(tmpdir(), 'damro-fused-vision-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(attention: 'eager' | 'fused', noClsScorer: NoClsScorer) {
  const modelId = `idefics3-${attention}`;
  const model = makeIdefics3Model({ visionAttention: attention });
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
    const graph = scanModel(makeIdefics3Model({ visionAttention: 'fused' }).files.get('onnx/vision_encoder.onnx')!).graph;
    expect(graph.nodes.filter((n) => n.opType === 'MultiHeadAttention')).toHaveLength(2);
    expect(graph.nodes.some((n) => n.opType === 'Softmax')).toBe(false);
  });

  it.each(['mean-received-attention', 'token-norm'] as const)('gives the eager tower’s %s scores and captions', async (scorer) => {
    const [eager, fused] = [await run('eager', scorer), await run('fused', scorer)];
    expect(fused.outliers.scorer).toMatchObject({ name: scorer, faithful: false });
    const scale = Math.max(...eager.outliers.scores);
    eager.outliers.scores.forEach((s, i) => expect(Math.abs(s - fused.outliers.scores[i]!) / scale).toBeLessThan(1e-4));
    expect(Array.from(fused.outliers.indices)).toEqual(Array.from(eager.outliers.indices));
    for (const caption of ['baseline', 'damro'] as const) expect(tokensOf(fused.events, caption)).toEqual(tokensOf(eager.events, caption));
  });
});
