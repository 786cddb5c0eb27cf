// A llava whose decoder_model_merged.onnx is merged the way Optimum's merge_decoders writes it (older Hub exports,
// src/engine/browser-stack.md §10): the without-past and with-past decoders become the else and then branches of
// one If node ('optimum::if') on a boolean input `use_cache_branch` [1]. The branches hold only nodes and outputs;
// every initializer, shared by name, sits in the main graph, and the main graph's inputs are the union of both
// decoders' inputs plus use_cache_branch. The If node's outputs carry the same names as the branches' outputs.
import { buildDecoderGraph } from '../llava/decoder-graph';
import { makeLlavaModel } from '../llava/make-model';
import { AttributeType, DataType, ModelProto } from '../onnx/schema';

interface Named {
  name: string;
}
interface TensorMessage extends Named {
  raw_data?: Uint8Array;
}
interface GraphMessage {
  node: unknown[];
  initializer: TensorMessage[];
  input: Named[];
  output: Named[];
}
interface ModelMessage {
  graph: GraphMessage;
  opset_import: unknown[];
}

const decode = (bytes: Uint8Array) =>
  ModelProto.toObject(ModelProto.decode(bytes), { defaults: false }) as unknown as ModelMessage;

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);

/** Both decoders' initializers once each; a name the two graphs give different contents is a factory bug. */
function sharedInitializers(graphs: readonly GraphMessage[]): TensorMessage[] {
  const byName = new Map<string, TensorMessage>();
  for (const tensor of graphs.flatMap((g) => g.initializer)) {
    const seen = byName.get(tensor.name);
    if (!seen) byName.set(tensor.name, tensor);
    else if (!sameBytes(seen.raw_data, tensor.raw_data))
      throw new Error(`if-merged: initializer '${tensor.name}' differs between the two decoders.`);
  }
  return [...byName.values()];
}

export function mergeDecoders(noPast: Uint8Array, withPast: Uint8Array): Uint8Array {
  const [without, withCache] = [decode(noPast), decode(withPast)];
  const branch = (name: string, graph: GraphMessage) => ({ name, node: graph.node, output: graph.output });
  const inputs = [...withCache.graph.input];
  for (const input of without.graph.input) if (!inputs.some((i) => i.name === input.name)) inputs.push(input);
  const useCacheBranch = {
    name: 'use_cache_branch',
    type: { tensor_type: { elem_type: DataType.BOOL, shape: { dim: [{ dim_value: 1 }] } } },
  };
  const ifNode = {
    name: 'optimum::if',
    op_type: 'If',
    input: ['use_cache_branch'],
    output: without.graph.output.map((o) => o.name),
    attribute: [
      { name: 'then_branch', type: AttributeType.GRAPH, g: branch('with_past', withCache.graph) },
      { name: 'else_branch', type: AttributeType.GRAPH, g: branch('no_past', without.graph) },
    ],
  };
  const model = ModelProto.fromObject({
    ir_version: 8,
    producer_name: 'optimum-onnx',
    graph: {
      name: 'merged',
      node: [ifNode],
      initializer: sharedInitializers([without.graph, withCache.graph]),
      input: [...inputs, useCacheBranch],
      output: without.graph.output,
    },
    opset_import: withCache.opset_import,
  });
  return ModelProto.encode(model).finish();
}

/** The tiny fp32 llava with its decoder replaced by the If-merged pair built from the same weights. */
export function makeIfMergedLlavaModel({ seed = 42 }: { seed?: number } = {}): Map<string, Uint8Array> {
  const llava = makeLlavaModel({ size: 'tiny', dtype: 'fp32', seed });
  const files = new Map(llava.files);
  const withPast = files.get('onnx/decoder_model_merged.onnx')!;
  const noPast = buildDecoderGraph(llava.weights, 'fp32', 'eager', { withPast: false });
  files.set('onnx/decoder_model_merged.onnx', mergeDecoders(noPast, withPast));
  return files;
}
