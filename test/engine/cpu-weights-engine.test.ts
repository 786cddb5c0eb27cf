// The engine on the tiny q4 LLaVA in Node (ORT wasm, the CPU backend): the decoder's MatMulNBits weights are expanded
// to fp32 at load, ModelInfo says how many and what it cost, and the greedy baseline still equals transformers.js's
// own generate(), which runs the packed graph.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanModel } from '../../src/engine/onnx/scan';
import { configureHub } from '../../src/engine/runtime/hf';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import { nodeEngine, runParams, runToEnd, tokensOf, transformersGreedyTokens } from '../support/tiny-llava';

const root = mkdtempSync(join(tmpdir(), 'damro-cpu-weights-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('q4 decoder on the CPU backend', () => {
  it('is expanded at load, says so, and decodes exactly as the packed graph under transformers.js', async () => {
    const modelId = 'tiny-q4';
    const files = makeLlavaModel({ size: 'tiny', dtype: 'q4' }).files;
    await writeModelFolder(join(root, modelId), files);
    configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
    const { engine, events } = nodeEngine(join(root, modelId));
    const info = await engine['model/load']({ modelId, dtype: 'q4' });

    const decoder = scanModel(files.get('onnx/decoder_model_merged_q4.onnx')!).graph;
    const packed = decoder.nodes.filter((node) => node.opType === 'MatMulNBits');
    // fp32 weights less the packed bytes, scales and the two nodes' header bytes: about 7/8 of 4 bytes per weight.
    const weights = packed.reduce((sum, node) => {
      const k = node.attributes.find((a) => a.name === 'K')!.i!;
      const n = node.attributes.find((a) => a.name === 'N')!.i!;
      return sum + k * n;
    }, 0);
    expect(info.backend).toBe('wasm');
    expect(info.cpuWeights).toMatchObject({ expandedMatMuls: packed.length, kept: [] });
    expect(info.cpuWeights!.addedBytes / weights).toBeGreaterThan(3.3);
    expect(info.cpuWeights!.addedBytes / weights).toBeLessThan(3.6);

    const run = await runToEnd(engine, events, runParams({ captions: ['baseline'] }));
    const expected = await transformersGreedyTokens(root, modelId, { dtype: 'q4' });
    expect(tokensOf(run, 'baseline')).toEqual(expected);
    expect(expected.length).toBeGreaterThan(3);
  });
});
