// Builds an ONNX graph node by node and encodes it as a ModelProto. Node names follow the torch exporter's
// scope convention (`/scope/OpType`, then `/scope/OpType_1`, ...) and outputs are named `<node>_output_<i>`,
// so the graphs look like Optimum exports to anything that locates nodes by name.
import { AttributeType, DataType, ModelProto, type DataTypeCode } from './schema';

export type Dim = number | string;
export type TensorData = Float32Array | BigInt64Array | Uint8Array;
export type Attr =
  { i: number } | { f: number } | { ints: readonly number[] } | { floats: readonly number[] } | { s: string };

interface ValueInfo {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}

export interface Opset {
  domain: string;
  version: number;
}

/** The default opsets: ONNX 17 (LayerNormalization) and com.microsoft 1 (MatMulNBits). */
export const OPSETS: readonly Opset[] = [
  { domain: '', version: 17 },
  { domain: 'com.microsoft', version: 1 },
];

function dataTypeOf(data: TensorData): DataTypeCode {
  if (data instanceof Float32Array) return DataType.FLOAT;
  if (data instanceof BigInt64Array) return DataType.INT64;
  return DataType.UINT8;
}

function valueInfo(name: string, elemType: DataTypeCode, dims: readonly Dim[]): ValueInfo {
  const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } } };
}

function encodeAttr(name: string, attr: Attr): Record<string, unknown> {
  if ('i' in attr) return { name, type: AttributeType.INT, i: attr.i };
  if ('f' in attr) return { name, type: AttributeType.FLOAT, f: attr.f };
  if ('ints' in attr) return { name, type: AttributeType.INTS, ints: [...attr.ints] };
  if ('floats' in attr) return { name, type: AttributeType.FLOATS, floats: [...attr.floats] };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(attr.s) };
}

export class GraphBuilder {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly initializers: Record<string, unknown>[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly usedNames = new Set<string>();
  private constCount = 0;

  constructor(private readonly name: string) {}

  input(name: string, elemType: DataTypeCode, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: DataTypeCode, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Adds a weight tensor; `data` is stored as raw little-endian bytes. */
  initializer(name: string, data: TensorData, dims: readonly number[]): string {
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims: [...dims], data_type: dataTypeOf(data), raw_data: raw });
    return name;
  }

  /** A small constant (shape vectors, scalars), named like the exporter's folded constants. */
  constF(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.initializer(`onnx::Const_${this.constCount++}`, Float32Array.from(values), dims);
  }

  constI64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.initializer(`onnx::Const_${this.constCount++}`, BigInt64Array.from(values.map(BigInt)), dims);
  }

  /** Adds a node named `${scope}/${opType}` (suffixed when taken) and returns its output names. */
  node(
    scope: string,
    opType: string,
    inputs: readonly string[],
    options: { attrs?: Record<string, Attr>; outputs?: number; domain?: string; outputNames?: readonly string[] } = {},
  ): string[] {
    let name = `${scope}/${opType}`;
    for (let k = 1; this.usedNames.has(name); k++) name = `${scope}/${opType}_${k}`;
    this.usedNames.add(name);
    const outputs =
      options.outputNames ?? Array.from({ length: options.outputs ?? 1 }, (_, i) => `${name}_output_${i}`);
    const attribute = Object.entries(options.attrs ?? {}).map(([key, value]) => encodeAttr(key, value));
    this.nodes.push({
      name,
      op_type: opType,
      domain: options.domain ?? '',
      input: [...inputs],
      output: [...outputs],
      attribute,
    });
    return [...outputs];
  }

  /** `node` for the common single-output case. */
  op(scope: string, opType: string, inputs: readonly string[], attrs?: Record<string, Attr>, domain?: string): string {
    return this.node(scope, opType, inputs, { attrs, domain })[0]!;
  }

  /** Renames the single output of the op (for graph outputs such as `logits`). */
  opNamed(
    scope: string,
    opType: string,
    inputs: readonly string[],
    outputName: string,
    attrs?: Record<string, Attr>,
  ): string {
    return this.node(scope, opType, inputs, { attrs, outputNames: [outputName] })[0]!;
  }

  encode(opsets: readonly Opset[] = OPSETS): Uint8Array {
    const graph = {
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    };
    const model = ModelProto.fromObject({
      ir_version: 8,
      producer_name: 'damro-lens-factory',
      producer_version: '1',
      graph,
      opset_import: opsets.map((o) => ({ domain: o.domain, version: o.version })),
    });
    return ModelProto.encode(model).finish();
  }
}
