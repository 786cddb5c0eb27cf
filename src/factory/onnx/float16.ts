// The q4f16 layout: a graph that computes in float16 inside while its inputs and outputs stay float32, as the float16
// conversion of transformers.js's quantize script leaves them (src/engine/browser-stack.md §3): float initializers
// become float16 (clamped to its range: float32's lowest mask value would otherwise overflow to −∞ and turn 0·mask into
// NaN), a Cast to float16 follows each float input and a Cast to float32 precedes each float output, and internal Casts
// to float32 cast to float16 instead. ORT's CPU/wasm kernels cover every op the factory emits in float16, so no op has
// to stay in float32 (the real converter's op_block_list).
import { DataType, ModelProto } from './schema';

const FLOAT = DataType.FLOAT;
const FLOAT16 = 10;
const FP16_MAX = 65504;

/** IEEE half bits of a float32 value (round to nearest even), clamped to ±65504. */
export function float16Bits(value: number): number {
  const clamped = Math.max(-FP16_MAX, Math.min(FP16_MAX, value));
  const f32 = new Float32Array([clamped]);
  const x = new Uint32Array(f32.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  let mantissa = x & 0x7fffff;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - exponent;
    let half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (exponent << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

interface Node {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  domain?: string;
  attribute: { name: string; i?: number | { toNumber(): number }; type?: number }[];
}
interface Tensor {
  name: string;
  data_type: number;
  dims: unknown[];
  raw_data?: Uint8Array;
  float_data?: number[];
}
interface ValueInfo {
  name: string;
  type?: { tensor_type?: { elem_type?: number } };
}
interface Model {
  graph: { node: Node[]; initializer: Tensor[]; input: ValueInfo[]; output: ValueInfo[] };
}

const COMPARISONS = new Set(['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'Not', 'And', 'Or']);
const intAttr = (node: Node, name: string): number | undefined => {
  const value = node.attribute.find((a) => a.name === name)?.i;
  return value === undefined ? undefined : typeof value === 'number' ? value : value.toNumber();
};

/** Whether a node's first output is float, given which tensors are float (ONNX ops keep their input's type). */
function outputIsFloat(node: Node, isFloat: (t: string) => boolean): boolean {
  if (node.op_type === 'Shape' || COMPARISONS.has(node.op_type)) return false;
  if (node.op_type === 'Cast') return intAttr(node, 'to') === FLOAT;
  return isFloat(node.input[0] ?? '');
}

/**
 * `halfIo` names graph inputs and outputs that stay float16 at the boundary instead: some q4f16 exports keep
 * their KV cache (past_key_values.*, present.*) in float16.
 */
export function toFloat16Inside(bytes: Uint8Array, halfIo: (name: string) => boolean = () => false): Uint8Array {
  const model = ModelProto.toObject(ModelProto.decode(bytes), { arrays: true, longs: Number }) as unknown as Model;
  const graph = model.graph;
  const float = new Set<string>();
  for (const value of [...graph.input, ...graph.output]) {
    if (halfIo(value.name) && value.type?.tensor_type?.elem_type === FLOAT) value.type.tensor_type.elem_type = FLOAT16;
  }
  for (const input of graph.input) if (halfIo(input.name)) float.add(input.name);
  for (const init of graph.initializer) {
    if (init.data_type !== FLOAT) continue;
    float.add(init.name);
    const values = init.raw_data?.length
      ? new Float32Array(Uint8Array.from(init.raw_data).buffer)
      : Float32Array.from(init.float_data ?? []);
    init.raw_data = new Uint8Array(Uint16Array.from(values, float16Bits).buffer);
    init.float_data = [];
    init.data_type = FLOAT16;
  }
  const floatInputs = graph.input.filter((i) => i.type?.tensor_type?.elem_type === FLOAT).map((i) => i.name);
  const floatOutputs = new Set(graph.output.filter((o) => o.type?.tensor_type?.elem_type === FLOAT).map((o) => o.name));
  for (const name of floatInputs) float.add(name);

  const cast = (from: string, to: string, type: number): Node => ({
    name: `${to}__cast`,
    op_type: 'Cast',
    input: [from],
    output: [to],
    attribute: [{ name: 'to', i: type, type: 2 }],
  });
  // Inside the graph, a float input or output is read under its float16 twin's name.
  const rename = new Map<string, string>(floatInputs.map((name) => [name, `${name}__fp16`]));
  const nodes: Node[] = floatInputs.map((name) => cast(name, `${name}__fp16`, FLOAT16));
  for (const node of graph.node) {
    const isFloatOut = outputIsFloat(node, (t) => float.has(t));
    node.input = node.input.map((t) => rename.get(t) ?? t);
    if (node.op_type === 'Cast' && intAttr(node, 'to') === FLOAT)
      node.attribute = node.attribute.map((a) => (a.name === 'to' ? { ...a, i: FLOAT16 } : a));
    const boundary = (o: string) => isFloatOut && floatOutputs.has(o);
    nodes.push({ ...node, output: node.output.map((o) => (boundary(o) ? `${o}__fp16` : o)) });
    for (const o of node.output) {
      if (isFloatOut && o) float.add(o);
      if (!boundary(o)) continue;
      rename.set(o, `${o}__fp16`);
      nodes.push(cast(`${o}__fp16`, o, FLOAT));
    }
  }
  graph.node = nodes;
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
