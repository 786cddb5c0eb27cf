// A model whose weights live in an .onnx_data file: the tap edits only the .onnx, and the session still finds
// its weights through ORT's externalData option.
import { describe, expect, it } from 'vitest';
import { scanModel } from '../../src/engine/onnx/scan';
import { createSession, sessionConfig } from '../../src/engine/runtime/sessions';
import { ort } from '../../src/engine/runtime/ort';
import { readVisionScores, tapVisionEncoder } from '../../src/engine/taps/vision-tap';
import { ModelProto } from '../../src/factory/onnx/schema';
import { toyAttentionModel } from '../support/toy-attention';

interface Tensor {
  raw_data?: Uint8Array;
  external_data?: { key: string; value: string }[];
  data_location?: number;
}

/** Moves every initializer's bytes into one data file, as torch.onnx.export does past 2 GB. */
function externalise(bytes: Uint8Array, location: string): { model: Uint8Array; data: Uint8Array } {
  const model = ModelProto.decode(bytes) as unknown as { graph: { initializer: Tensor[] } };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of model.graph.initializer) {
    const raw = Uint8Array.from(tensor.raw_data!);
    chunks.push(raw);
    tensor.raw_data = new Uint8Array(0);
    tensor.data_location = 1;
    tensor.external_data = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    offset += raw.length;
  }
  const data = new Uint8Array(offset);
  chunks.reduce((at, chunk) => (data.set(chunk, at), at + chunk.length), 0);
  return { model: Uint8Array.from(ModelProto.encode(model as never).finish()), data };
}

describe('taps on a model with external data', () => {
  it('scores equal those of the same model with embedded weights', async () => {
    const embedded = toyAttentionModel(['/enc/layers.0/attn']);
    const { model, data } = externalise(embedded, 'toy.onnx_data');
    expect(scanModel(model).graph.initializers.map((t) => t.external)).toEqual([true, true, true]);
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)),
      [1, 1, 3, 4],
    );
    const request = { layer: 0, scorers: ['clip-single-head', 'mean-received-attention'] } as const;

    const external = tapVisionEncoder(model, request);
    const session = await createSession(external.bytes, 'toy', {
      backend: 'wasm',
      externalData: [{ path: 'toy.onnx_data', data }],
    });
    const fromExternal = readVisionScores(external.tap, await session.run({ x }));
    await session.release();

    const inline = tapVisionEncoder(embedded, request);
    const reference = await createSession(inline.bytes, 'toy', { backend: 'wasm' });
    const fromInline = readVisionScores(inline.tap, await reference.run({ x }));
    await reference.release();

    expect(fromExternal['clip-single-head']!.length).toBe(2);
    expect(fromExternal).toEqual(fromInline);
  });
});

describe('sessionConfig', () => {
  const common = { executionProviders: ['webgpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  it('keeps the cache on the GPU under WebGPU (taps and logits default to the CPU); leaves wasm at its defaults', () => {
    const gpuOutputs = ['present.0.key', 'present.0.value'];
    expect(sessionConfig({ backend: 'webgpu', gpuOutputs })).toEqual({
      ...common,
      preferredOutputLocation: { 'present.0.key': 'gpu-buffer', 'present.0.value': 'gpu-buffer' },
    });
    expect(sessionConfig({ backend: 'wasm', gpuOutputs })).toEqual({ ...common, executionProviders: ['wasm'] });
  });
});
