// Test and tooling helper: a copy of a model whose graph also returns the named intermediate tensors.
// ORT infers the type and shape of an output given by name only (src/engine/browser-stack.md §3).
import { ModelProto } from './schema';

interface DecodedModel {
  graph: { output: { name: string }[] };
}

export function withGraphOutputs(model: Uint8Array, names: readonly string[]): Uint8Array {
  const decoded = ModelProto.decode(model) as unknown as DecodedModel;
  for (const name of names) decoded.graph.output.push({ name });
  return ModelProto.encode(decoded as never).finish();
}
