import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { scanModel } from '../../../src/engine/onnx/scan';
import { encodeNode, spliceGraph, type NodeSpec } from '../../../src/engine/onnx/splice';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import { GraphBuilder } from '../../../src/factory/onnx/graph-builder';
import { DataType, ModelProto } from '../../../src/factory/onnx/schema';

interface DecodedNode {
  name: string;
  op_type: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: {
    name: string;
    type: number;
    i?: number;
    f?: number;
    ints?: number[];
    t?: { dims: number[]; data_type: number; raw_data: Uint8Array };
  }[];
}
interface Decoded {
  graph: { node: DecodedNode[]; initializer: { name: string; raw_data: Uint8Array }[]; output: { name: string }[] };
}
const decode = (bytes: Uint8Array) =>
  ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, arrays: true }) as unknown as Decoded;
// protobufjs hands out Buffers in Node; compare plain bytes.
const plain = (bytes: Uint8Array) => Uint8Array.from(bytes);

const vision = plain(makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).files.get('onnx/vision_encoder.onnx')!);

describe('spliceGraph', () => {
  const scanned = scanModel(vision);
  const softmax = scanned.graph.nodes.find((n) => n.opType === 'Softmax')!.outputs[0]!;
  const nodes: NodeSpec[] = [
    {
      name: 'tap/starts',
      opType: 'Constant',
      inputs: [],
      outputs: ['tap/starts'],
      attributes: [{ name: 'value', int64Tensor: [0], dims: [1] }],
    },
    {
      name: 'tap/ends',
      opType: 'Constant',
      inputs: [],
      outputs: ['tap/ends'],
      attributes: [{ name: 'value', int64Tensor: [1], dims: [1] }],
    },
    {
      name: 'tap/axes',
      opType: 'Constant',
      inputs: [],
      outputs: ['tap/axes'],
      attributes: [{ name: 'value', int64Tensor: [-2], dims: [1] }],
    },
    {
      name: 'tap/Slice',
      opType: 'Slice',
      inputs: [softmax, 'tap/starts', 'tap/ends', 'tap/axes'],
      outputs: ['tap/cls'],
    },
    {
      name: 'tap/Mean',
      opType: 'ReduceMean',
      inputs: ['tap/cls'],
      outputs: ['tap/mean'],
      attributes: [
        { name: 'axes', ints: [1] },
        { name: 'keepdims', int: 0 },
      ],
    },
  ];
  const edited = spliceGraph(vision, scanned, { nodes, outputs: [softmax, 'tap/mean'] });

  it('appends nodes and outputs that protobufjs reads back, attributes included', () => {
    const before = decode(vision).graph;
    const after = decode(edited).graph;
    expect(after.node.slice(0, before.node.length)).toEqual(before.node);
    const added = after.node.slice(before.node.length);
    expect(added.map((n) => [n.name, n.op_type, n.input, n.output])).toEqual(
      nodes.map((n) => [n.name, n.opType, n.inputs, n.outputs]),
    );
    const axes = added[2]!.attribute[0]!.t!;
    expect(axes.dims).toEqual([1]);
    expect(axes.data_type).toBe(DataType.INT64);
    expect(new DataView(Uint8Array.from(axes.raw_data).buffer).getBigInt64(0, true)).toBe(-2n);
    expect(added[4]!.attribute.map((a) => [a.name, a.type, a.ints?.length ? a.ints : a.i])).toEqual([
      ['axes', 7, [1]],
      ['keepdims', 2, 0],
    ]);
    expect(after.output.map((o) => o.name)).toEqual([...before.output.map((o) => o.name), softmax, 'tap/mean']);
  });

  it('copies every other byte unchanged: the initializers keep their exact bytes', () => {
    const original = scanned.graph.initializers;
    const moved = scanModel(edited).graph.initializers;
    expect(moved.length).toBe(original.length);
    const shift = moved[0]!.span.start - original[0]!.span.start;
    for (const [i, t] of original.entries()) {
      expect(moved[i]!.span.start - t.span.start).toBe(shift);
      expect(edited.subarray(moved[i]!.span.start, moved[i]!.span.end)).toEqual(
        vision.subarray(t.span.start, t.span.end),
      );
    }
    const { payload, lengthStart } = scanned.graphField;
    expect(edited.subarray(0, lengthStart)).toEqual(vision.subarray(0, lengthStart));
    const tail = vision.length - payload.end;
    expect(edited.subarray(edited.length - tail)).toEqual(vision.subarray(payload.end));
  });

  it('rewrites a graph length whose varint grows by a byte', () => {
    const g = new GraphBuilder('g');
    const x = g.input('x', DataType.FLOAT, [2]);
    g.node('', 'Identity', [x], { outputNames: ['y'] });
    g.output('y', DataType.FLOAT, [2]);
    const small = plain(g.encode());
    const model = scanModel(small);
    const before = model.graphField.payload.end - model.graphField.payload.start;
    expect(before).toBeLessThan(128);
    const extra = Array.from({ length: 6 }, (_, i): NodeSpec => ({
      name: `n${i}`,
      opType: 'Identity',
      inputs: ['y'],
      outputs: [`copy_of_y_number_${i}`],
    }));
    const edited2 = spliceGraph(small, model, { nodes: extra, outputs: extra.map((n) => n.outputs[0]!) });
    const rescanned = scanModel(edited2);
    expect(rescanned.graphField.payload.end - rescanned.graphField.payload.start).toBeGreaterThanOrEqual(128);
    expect(rescanned.graph.outputs).toEqual(['y', ...extra.map((n) => n.outputs[0]!)]);
    expect(decode(edited2).graph.node.map((n) => n.name)).toEqual(['/Identity', ...extra.map((n) => n.name)]);
  });

  it('refuses names that do not exist or already exist', () => {
    expect(() => spliceGraph(vision, scanned, { nodes: [], outputs: ['no/such/tensor'] })).toThrow(
      /no tensor of that name/,
    );
    expect(() => spliceGraph(vision, scanned, { nodes: [], outputs: ['image_features'] })).toThrow(
      /already a graph output/,
    );
    expect(() =>
      spliceGraph(vision, scanned, {
        nodes: [{ name: 'x', opType: 'Identity', inputs: [softmax], outputs: [softmax] }],
        outputs: [],
      }),
    ).toThrow(/already exists/);
    expect(() =>
      spliceGraph(vision, scanned, {
        nodes: [{ name: 'x', opType: 'Identity', inputs: ['nope'], outputs: ['z'] }],
        outputs: [],
      }),
    ).toThrow(/nothing produces/);
  });

  it('encodes a node in a domain', () => {
    const Node = ModelProto.lookupType('onnx.NodeProto');
    const decoded = Node.toObject(
      Node.decode(
        encodeNode({ name: 'm', opType: 'MatMulNBits', domain: 'com.microsoft', inputs: ['a', ''], outputs: ['b'] }),
      ),
      { arrays: true },
    );
    expect(decoded).toEqual({
      name: 'm',
      op_type: 'MatMulNBits',
      domain: 'com.microsoft',
      input: ['a', ''],
      output: ['b'],
      attribute: [],
    });
  });
});

describe('models with external data', () => {
  // onnx.proto's TensorProto.external_data / data_location, which the factory's schema leaves out.
  const External = protobuf.Type.fromJSON('ExternalTensor', {
    fields: {
      dims: { id: 1, type: 'int64', rule: 'repeated' },
      data_type: { id: 2, type: 'int32' },
      name: { id: 8, type: 'string' },
      external_data: { id: 13, type: 'Entry', rule: 'repeated' },
      data_location: { id: 14, type: 'int32' },
    },
  }).add(
    protobuf.Type.fromJSON('Entry', { fields: { key: { id: 1, type: 'string' }, value: { id: 2, type: 'string' } } }),
  );

  it('scans and splices a graph whose weights live in an .onnx_data file', () => {
    const g = new GraphBuilder('g');
    const x = g.input('x', DataType.FLOAT, [1, 4]);
    const h = g.op('/l', 'MatMul', [x, 'w']);
    g.node('/l', 'Relu', [h], { outputNames: ['y'] });
    g.output('y', DataType.FLOAT, [1, 4]);
    const base = ModelProto.decode(g.encode()) as unknown as { graph: Record<string, unknown> };
    const tensor = External.encode(
      External.fromObject({
        dims: [4, 4],
        data_type: 1,
        name: 'w',
        external_data: [
          { key: 'location', value: 'model.onnx_data' },
          { key: 'offset', value: '0' },
          { key: 'length', value: '64' },
        ],
        data_location: 1,
      }),
    ).finish();
    // GraphProto.initializer = field 5: append the raw message to the graph so no schema has to know it.
    const graphBytes = ModelProto.lookupType('onnx.GraphProto').encode(base.graph).finish();
    const graphWithWeight = new Uint8Array([...graphBytes, 0x2a, tensor.length, ...tensor]);
    const model = new Uint8Array([
      ...ModelProto.encode(
        ModelProto.fromObject({ ir_version: 8, opset_import: [{ domain: '', version: 17 }] }),
      ).finish(),
      0x3a,
      ...varint(graphWithWeight.length),
      ...graphWithWeight,
    ]);

    const scanned = scanModel(model);
    expect(scanned.graph.initializers).toEqual([
      { name: 'w', dataType: 1, dims: [4, 4], external: true, span: expect.any(Object) },
    ]);
    const edited = spliceGraph(model, scanned, { nodes: [], outputs: [h] });
    expect(scanModel(edited).graph.outputs).toEqual(['y', h]);
    const w = scanModel(edited).graph.initializers[0]!;
    expect(External.toObject(External.decode(edited.subarray(w.span.start, w.span.end))).external_data).toEqual([
      { key: 'location', value: 'model.onnx_data' },
      { key: 'offset', value: '0' },
      { key: 'length', value: '64' },
    ]);
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
