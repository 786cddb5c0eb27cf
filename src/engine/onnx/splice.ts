// Appends nodes and graph outputs to a serialized model without re-encoding it. Protobuf concatenates
// repeated fields in the order they appear, so new NodeProto (GraphProto field 1) and ValueInfoProto (field
// 12) entries written after the graph's existing fields extend graph.node and graph.output. Only the graph's
// length varint changes; every other byte, weights included, is copied as is into one new buffer.
import { modelFileError } from './model-file-error';
import type { CacheBranchIf } from './if-node';
import type { ScannedGraph, ScannedModel } from './scan';
import { putVarint, varintSize, WireReader, WireType, WireWriter } from './wire';

const GRAPH_NODE = 1;
const GRAPH_OUTPUT = 12;
const ATTRIBUTE_GRAPH = 6;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
const ATTRIBUTE = { name: 1, f: 2, i: 3, t: 5, ints: 8, type: 20 } as const;
const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, TENSOR: 4, INTS: 7 } as const;
const TENSOR = { dims: 1, dataType: 2, rawData: 9 } as const;
const INT64 = 7;

export type AttributeSpec =
  | { readonly name: string; readonly int: number }
  | { readonly name: string; readonly float: number }
  | { readonly name: string; readonly ints: readonly number[] }
  /** An int64 tensor (Constant's `value`). */
  | { readonly name: string; readonly int64Tensor: readonly number[]; readonly dims: readonly number[] };

export interface NodeSpec {
  readonly name: string;
  readonly opType: string;
  readonly domain?: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: readonly AttributeSpec[];
}

export interface GraphAdditions {
  readonly nodes: readonly NodeSpec[];
  /** Tensor names to append to graph.output; ORT infers their type and shape (src/engine/browser-stack.md §3). */
  readonly outputs: readonly string[];
}

const spliceError = (reason: string) => modelFileError(reason, 'cannot take the attention taps');

function writeInt64Tensor(w: WireWriter, values: readonly number[], dims: readonly number[]): void {
  for (const d of dims) w.varintField(TENSOR.dims, d);
  w.varintField(TENSOR.dataType, INT64);
  const raw = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => raw.setBigInt64(i * 8, BigInt(v), true));
  w.bytesField(TENSOR.rawData, new Uint8Array(raw.buffer));
}

function writeAttribute(w: WireWriter, a: AttributeSpec): void {
  w.stringField(ATTRIBUTE.name, a.name);
  if ('int' in a) w.varintField(ATTRIBUTE.type, ATTRIBUTE_TYPE.INT).varintField(ATTRIBUTE.i, a.int);
  else if ('float' in a) w.varintField(ATTRIBUTE.type, ATTRIBUTE_TYPE.FLOAT).floatField(ATTRIBUTE.f, a.float);
  else if ('ints' in a) {
    w.varintField(ATTRIBUTE.type, ATTRIBUTE_TYPE.INTS);
    for (const v of a.ints) w.varintField(ATTRIBUTE.ints, v);
  } else {
    w.varintField(ATTRIBUTE.type, ATTRIBUTE_TYPE.TENSOR).messageField(ATTRIBUTE.t, (t) =>
      writeInt64Tensor(t, a.int64Tensor, a.dims),
    );
  }
}

export function encodeNode(node: NodeSpec): Uint8Array {
  const w = new WireWriter();
  for (const input of node.inputs) w.stringField(NODE.input, input);
  for (const output of node.outputs) w.stringField(NODE.output, output);
  w.stringField(NODE.name, node.name).stringField(NODE.opType, node.opType);
  for (const a of node.attributes ?? []) w.messageField(NODE.attribute, (inner) => writeAttribute(inner, a));
  if (node.domain) w.stringField(NODE.domain, node.domain);
  return w.finish();
}

/**
 * Checks that `additions` only read names that exist and only write new ones. `outer` holds the names an enclosing
 * graph already defines (a subgraph reads them and may not redefine them).
 */
function checkNames(graph: ScannedGraph, additions: GraphAdditions, outer: ReadonlySet<string> = new Set()): void {
  const known = new Set<string>([
    ...outer,
    ...graph.inputs,
    ...graph.initializers.map((t) => t.name),
    ...graph.nodes.flatMap((n) => n.outputs),
  ]);
  const nodeNames = new Set(graph.nodes.map((n) => n.name));
  for (const node of additions.nodes) {
    if (nodeNames.has(node.name)) throw spliceError(`a node named '${node.name}' already exists`);
    nodeNames.add(node.name);
    for (const input of node.inputs)
      if (input && !known.has(input)) throw spliceError(`node '${node.name}' reads '${input}', which nothing produces`);
    for (const output of node.outputs) {
      if (known.has(output)) throw spliceError(`node '${node.name}' writes '${output}', which already exists`);
      known.add(output);
    }
  }
  const outputs = new Set(graph.outputs);
  for (const name of additions.outputs) {
    if (!known.has(name)) throw spliceError(`cannot expose '${name}': no tensor of that name`);
    if (outputs.has(name)) throw spliceError(`'${name}' is already a graph output`);
    outputs.add(name);
  }
}

/**
 * The model with `additions` appended to its graph. Peak memory is the input plus the output: the result is
 * written once into a buffer of its final size.
 */
export function spliceGraph(bytes: Uint8Array, model: ScannedModel, additions: GraphAdditions): Uint8Array {
  checkNames(model.graph, additions);
  const appended = appendedBytes(additions);

  const { lengthStart, payload } = model.graphField;
  const graphLength = payload.end - payload.start + appended.length;
  const out = new Uint8Array(lengthStart + varintSize(graphLength) + graphLength + (bytes.length - payload.end));
  out.set(bytes.subarray(0, lengthStart));
  let at = putVarint(out, lengthStart, graphLength);
  out.set(bytes.subarray(payload.start, payload.end), at);
  at += payload.end - payload.start;
  out.set(appended, at);
  out.set(bytes.subarray(payload.end), at + appended.length);
  return out;
}

function appendedBytes(additions: GraphAdditions): Uint8Array {
  const w = new WireWriter();
  for (const node of additions.nodes) w.bytesField(GRAPH_NODE, encodeNode(node));
  for (const name of additions.outputs) w.messageField(GRAPH_OUTPUT, (info) => info.stringField(1, name));
  return w.finish();
}

const definedNames = (graph: ScannedGraph): Set<string> =>
  new Set([...graph.inputs, ...graph.initializers.map((t) => t.name), ...graph.nodes.flatMap((n) => n.outputs)]);

const concatBytes = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};

/** One If branch's additions: its new nodes, and the branch outputs the If node hands out, in order. */
export interface BranchAdditions extends GraphAdditions {
  readonly branch: string;
}

/** The If node's NodeProto with nodes and outputs appended inside its branches and `ifOutputs` appended to its own. */
function editedIfNode(
  bytes: Uint8Array,
  found: CacheBranchIf,
  branches: readonly BranchAdditions[],
  ifOutputs: readonly string[],
): Uint8Array {
  const parts: Uint8Array[] = [];
  const r = new WireReader(bytes, found.payload.start, found.payload.end);
  while (!r.done) {
    const start = r.pos;
    const { field, wireType } = r.tag();
    if (field !== NODE.attribute || wireType !== WireType.LEN) {
      r.skip(wireType);
      parts.push(bytes.subarray(start, r.pos));
      continue;
    }
    const span = r.span();
    const branch = found.branches.find((b) => b.payload.start > span.start && b.payload.end <= span.end);
    const additions = branch && branches.find((b) => b.branch === branch.name);
    if (!branch || !additions) {
      parts.push(bytes.subarray(start, r.pos));
      continue;
    }
    // The attribute holding the branch: every field as it was, the graph with the additions appended.
    const graph = concatBytes([bytes.subarray(branch.payload.start, branch.payload.end), appendedBytes(additions)]);
    const fields: Uint8Array[] = [];
    const a = new WireReader(bytes, span.start, span.end);
    while (!a.done) {
      const at = a.pos;
      const tag = a.tag();
      a.skip(tag.wireType);
      fields.push(
        tag.field === ATTRIBUTE_GRAPH
          ? new WireWriter().bytesField(ATTRIBUTE_GRAPH, graph).finish()
          : bytes.subarray(at, a.pos),
      );
    }
    parts.push(new WireWriter().bytesField(NODE.attribute, concatBytes(fields)).finish());
  }
  const outputs = new WireWriter();
  for (const name of ifOutputs) outputs.stringField(NODE.output, name);
  parts.push(outputs.finish());
  return concatBytes(parts);
}

/**
 * The model with taps inside an If node's branches (an Optimum merged decoder): each branch gets its additions,
 * the If node gets `ifOutputs` (one per added branch output, in order, as ONNX pairs them by position), and the
 * main graph gets `main`, which may read the If node's new outputs.
 */
export function spliceIfBranches(
  bytes: Uint8Array,
  model: ScannedModel,
  found: CacheBranchIf,
  branches: readonly BranchAdditions[],
  ifOutputs: readonly string[],
  main: GraphAdditions,
): Uint8Array {
  const outer = definedNames(model.graph);
  for (const additions of branches) {
    const branch = found.branches.find((b) => b.name === additions.branch);
    if (!branch) throw spliceError(`If node '${found.node.name}' has no ${additions.branch}`);
    if (additions.outputs.length !== ifOutputs.length)
      throw spliceError(
        `${additions.branch} would hand out ${additions.outputs.length} new outputs, not ${ifOutputs.length}`,
      );
    checkNames(branch.graph, additions, outer);
  }
  for (const name of ifOutputs) if (outer.has(name)) throw spliceError(`'${name}' already exists`);
  checkNames(model.graph, main, new Set(ifOutputs));

  const node = new WireWriter().bytesField(GRAPH_NODE, editedIfNode(bytes, found, branches, ifOutputs)).finish();
  const { lengthStart, payload } = model.graphField;
  const graph = concatBytes([
    bytes.subarray(payload.start, found.field.start),
    node,
    bytes.subarray(found.field.end, payload.end),
    appendedBytes(main),
  ]);
  const length = new Uint8Array(varintSize(graph.length));
  putVarint(length, 0, graph.length);
  return concatBytes([bytes.subarray(0, lengthStart), length, graph, bytes.subarray(payload.end)]);
}
