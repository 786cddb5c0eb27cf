// The engine on the q4f16 layout (float16 inside every graph, float32 at the boundary) in Node on ORT wasm: the
// taps cast their float16 tensors back to float32, the faithful CLS score still finds the planted outliers, and
// the greedy baseline equals transformers.js generate() on the same q4f16 files. (Chromium's SwiftShader
// WebGPU adapter has no shader-f16, so this layout is checked on wasm only.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configureHub } from '../../src/engine/runtime/hf';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { makeQ4f16LlavaModel } from '../../src/factory/q4f16/make-model';
import { ModelProto } from '../../src/factory/onnx/schema';
import { writeModelFolder } from '../../src/factory/write-folder';
import { nodeEngine, runParams, runToEnd, tokensOf, transformersGreedyTokens } from '../support/tiny-llava';

const root = mkdtempSync(join(tmpdir(), 'damro-q4f16-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('engine on the q4f16 layout', () => {
  it.each([
    ['float32', false],
    ['float16', true],
  ])(
    'with a %s KV cache: loads, finds the planted outliers with the CLS score, streams frames, and matches generate()',
    async (kvType, halfKv) => {
      const modelId = `tiny-q4f16-kv-${kvType}`;
      const files = makeQ4f16LlavaModel({ halfKv });
      const decoderGraph = ModelProto.decode(files.get('onnx/decoder_model_merged_q4f16.onnx')!) as unknown as {
        graph: { input: { name: string; type: { tensor_type: { elem_type: number } } }[] };
      };
      const past = decoderGraph.graph.input.find((i) => i.name === 'past_key_values.0.key')!;
      expect(past.type.tensor_type.elem_type).toBe(halfKv ? 10 : 1);
      expect([...files.keys()].filter((p) => p.startsWith('onnx/')).sort()).toEqual([
        'onnx/decoder_model_merged_q4f16.onnx',
        'onnx/embed_tokens_q4f16.onnx',
        'onnx/vision_encoder_q4f16.onnx',
      ]);
      await writeModelFolder(join(root, modelId), files);
      configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
      const { engine, events } = nodeEngine(join(root, modelId));
      const info = await engine['model/load']({ modelId, dtype: 'q4f16' });
      expect(info).toMatchObject({ dtype: 'q4f16', scorer: { name: 'clip-single-head', faithful: true } });

      const run = await runToEnd(engine, events, runParams());
      const outliers = run.find((e) => e.type === 'run/outliers');
      if (outliers?.type !== 'run/outliers') throw new Error('no outliers event');
      expect(new Set(Array.from(outliers.indices))).toEqual(
        new Set(makeLlavaModel({ size: 'tiny', dtype: 'q4' }).weights.outlierPatches),
      );
      const frames = run.filter((e) => e.type === 'run/attention');
      expect(frames.length).toBe(run.filter((e) => e.type === 'run/token').length);
      for (const frame of frames)
        if (frame.type === 'run/attention') expect(frame.values.every(Number.isFinite)).toBe(true);

      const expected = await transformersGreedyTokens(root, modelId, { dtype: 'q4f16' });
      expect(tokensOf(run, 'baseline')).toEqual(expected);
      expect(expected.length).toBeGreaterThan(3);
    },
  );
});
