// A CLIP-like tower whose layers make q|k|v with one projection and Split them (packed QKV): DAMRO's faithful CLS
// score reads q and k from the Split's parts. Scores must equal the float64 reference and the separate-projection
// twin's within 1e-4, captions must be the twin's, and the greedy baseline must equal transformers.js generate().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanModel } from '../../src/engine/onnx/scan';
import { configureHub } from '../../src/engine/runtime/hf';
import { ort } from '../../src/engine/runtime/ort';
import { readVisionScores, tapVisionEncoder } from '../../src/engine/taps/vision-tap';
import { SIZES } from '../../src/factory/llava/dims';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { referenceVision } from '../../src/factory/reference/vision-forward';
import { writeModelFolder } from '../../src/factory/write-folder';
import type { WorkerEvent } from '../../src/protocol/messages';
import { nodeEngine, runParams, runToEnd, tokensOf, transformersGreedyTokens } from '../support/tiny-llava';

const v = SIZES.tiny.vision;
const root = mkdtempSync(join(tmpdir(), 'damro-packed-qkv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const packed = makeLlavaModel({ size: 'tiny', dtype: 'fp32', visionQkv: 'packed' });
const separate = makeLlavaModel({ size: 'tiny', dtype: 'fp32' });

beforeAll(async () => {
  await writeModelFolder(join(root, 'packed'), packed.files);
  await writeModelFolder(join(root, 'separate'), separate.files);
});

describe('packed QKV vision tower', () => {
  it('really is packed: one projection and a Split per layer, no q_proj/k_proj', () => {
    const nodes = scanModel(packed.files.get('onnx/vision_encoder.onnx')!).graph.nodes;
    expect(nodes.filter((n) => n.opType === 'Split')).toHaveLength(v.layers - 1);
    expect(nodes.some((n) => n.name.includes('q_proj'))).toBe(false);
  });

  it('the tap reads the CLS score from the Split parts, equal to the float64 reference within 1e-5', async () => {
    const layer = v.layers - 2;
    const { bytes, tap } = tapVisionEncoder(packed.files.get('onnx/vision_encoder.onnx')!, {
      layer,
      scorers: ['clip-single-head', 'head-mean'],
    });
    const pixels = new Float32Array(3 * v.imageSize * v.imageSize).map(
      (_, i) => 2 * Math.sin(i * 0.37) * Math.cos(i * 0.011),
    );
    const session = await ort.InferenceSession.create(bytes);
    const scores = readVisionScores(
      tap,
      await session.run({ pixel_values: new ort.Tensor('float32', pixels, [1, 3, v.imageSize, v.imageSize]) }),
    );
    await session.release();
    const ref = referenceVision(packed.weights, pixels);
    const { qProj, kProj } = ref.layers[layer]!;
    const logits = Array.from({ length: ref.tokens }, (_, j) => {
      let dot = 0;
      for (let e = 0; e < v.hidden; e++) dot += qProj[e]! * kProj[j * v.hidden + e]!;
      return dot / Math.sqrt(v.hidden);
    });
    const max = Math.max(...logits);
    const sum = logits.reduce((a, x) => a + Math.exp(x - max), 0);
    logits
      .slice(1)
      .forEach((x, j) =>
        expect(Math.abs(scores['clip-single-head']![j]! - Math.exp(x - max) / sum)).toBeLessThan(1e-5),
      );
  });

  it('loads through the production loader: the separate twin’s outliers and captions, and transformers.js generate()’s baseline', async () => {
    const runs: Record<string, WorkerEvent[]> = {};
    for (const name of ['packed', 'separate']) {
      configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
      const { engine, events } = nodeEngine(join(root, name));
      await engine['model/load']({ modelId: name, dtype: 'fp32' });
      runs[name] = await runToEnd(engine, events, runParams({ damro: { alpha: 2, beta: 0.1, k: 2 } }));
    }
    const outliers = (run: WorkerEvent[]) =>
      run.find((e): e is Extract<WorkerEvent, { type: 'run/outliers' }> => e.type === 'run/outliers')!;
    const [a, b] = [outliers(runs.separate!), outliers(runs.packed!)];
    expect(b.scorer).toMatchObject({ name: 'clip-single-head', faithful: true });
    a.scores.forEach((s, i) => expect(Math.abs(s - b.scores[i]!)).toBeLessThan(1e-4));
    for (const caption of ['baseline', 'damro'] as const)
      expect(tokensOf(runs.packed!, caption)).toEqual(tokensOf(runs.separate!, caption));

    const expected = await transformersGreedyTokens(root, 'packed');
    expect(tokensOf(runs.packed!, 'baseline')).toEqual(expected);
    expect(expected.length).toBeGreaterThan(3);
  });
});
