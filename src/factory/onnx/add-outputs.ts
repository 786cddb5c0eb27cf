// Test and tooling helper: a copy of a model whose graph also returns the named intermediate tensors.
// ORT infers the type and shape of an output given by name only (browser-stack.md §3).
import { ModelProto } from './schema';

interface DecodedModel {
  graph: { output: { name: string }[]; node: { op_type: string; output: string[] }[] };
}

export function withGraphOutputs(model: Uint8Array, names: readonly string[]): Uint8Array {
  const decoded = ModelProto.decode(model) as unknown as DecodedModel;
  for (const name of names) decoded.graph.output.push({ name });
  return ModelProto.encode(decoded as never).finish();
}

/** Output tensor names of every node of the given op type, in graph order. */
export function outputsOfOp(model: Uint8Array, opType: string): string[] {
  const decoded = ModelProto.decode(model) as unknown as DecodedModel;
  return decoded.graph.node.filter((n) => n.op_type === opType).map((n) => n.output[0]!);
}
