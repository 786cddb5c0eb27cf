import { describe, expect, it } from 'vitest';
import { scanModel } from '../../../src/engine/onnx/scan';
import { LensError } from '../../../src/protocol/errors';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import { ModelProto } from '../../../src/factory/onnx/schema';

interface Decoded {
  opset_import: { domain: string; version: number }[];
  graph: {
    node: {
      name: string;
      op_type: string;
      domain: string;
      input: string[];
      output: string[];
      attribute: { name: string; i?: number; f?: number; ints?: number[] }[];
    }[];
    initializer: { name: string; dims: number[]; data_type: number; raw_data: Uint8Array }[];
    input: { name: string }[];
    output: { name: string }[];
  };
}

const decode = (bytes: Uint8Array) =>
  ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: true }) as unknown as Decoded;
const TensorProto = ModelProto.lookupType('onnx.TensorProto');

describe('scanModel on the factory’s tiny LLaVA', () => {
  const model = makeLlavaModel({ size: 'tiny', dtype: 'fp32' });
  const files = ['onnx/vision_encoder.onnx', 'onnx/decoder_model_merged.onnx', 'onnx/embed_tokens.onnx'];

  it.each(files)('%s: nodes, names, IO and opsets equal a protobufjs decode', (file) => {
    const bytes = model.files.get(file)!;
    const scanned = scanModel(bytes);
    const oracle = decode(bytes);
    expect(scanned.graph.nodes.map((n) => [n.index, n.name, n.opType, n.domain, n.inputs, n.outputs])).toEqual(
      oracle.graph.node.map((n, i) => [i, n.name, n.op_type, n.domain, n.input, n.output]),
    );
    expect(scanned.graph.inputs).toEqual(oracle.graph.input.map((v) => v.name));
    expect(scanned.graph.outputs).toEqual(oracle.graph.output.map((v) => v.name));
    expect(scanned.graph.initializers.map((t) => [t.name, t.dims, t.dataType, t.external])).toEqual(
      oracle.graph.initializer.map((t) => [t.name, t.dims, t.data_type, false]),
    );
    expect(Object.fromEntries(scanned.opsets)).toEqual(
      Object.fromEntries(oracle.opset_import.map((o) => [o.domain, o.version])),
    );
  });

  it('reads int, negative int, float and ints attributes', () => {
    const bytes = model.files.get('onnx/vision_encoder.onnx')!;
    const nodes = scanModel(bytes).graph.nodes;
    const softmax = nodes.find((n) => n.opType === 'Softmax')!;
    expect(softmax.attributes).toEqual([{ name: 'axis', i: -1, f: undefined, ints: undefined, hasGraph: false }]);
    const norm = nodes.find((n) => n.opType === 'LayerNormalization')!;
    expect(norm.attributes.find((a) => a.name === 'epsilon')!.f).toBeCloseTo(1e-5, 10);
    const transpose = nodes.find((n) => n.opType === 'Transpose' && n.name.includes('self_attn'))!;
    const oracle = decode(bytes).graph.node.find((n) => n.name === transpose.name)!;
    expect(transpose.attributes[0]!.ints).toEqual(oracle.attribute[0]!.ints);
  });

  it('records each initializer’s exact byte range', () => {
    const bytes = model.files.get('onnx/decoder_model_merged.onnx')!;
    const oracle = decode(bytes).graph.initializer;
    for (const [i, t] of scanModel(bytes).graph.initializers.entries()) {
      const tensor = TensorProto.toObject(TensorProto.decode(bytes.subarray(t.span.start, t.span.end)), {
        longs: Number,
      }) as { name: string; raw_data: Uint8Array };
      expect(tensor.name).toBe(oracle[i]!.name);
      expect(Uint8Array.from(tensor.raw_data)).toEqual(Uint8Array.from(oracle[i]!.raw_data));
    }
  });

  it('rejects bytes that are not a model', () => {
    expect(() => scanModel(new TextEncoder().encode('<html>404</html>'))).toThrow(LensError);
    expect(() => scanModel(Uint8Array.of(0x08, 0x08))).toThrow(/no graph/);
  });
});
