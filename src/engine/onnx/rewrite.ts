// Rewrites a model's main graph field by field: chosen nodes are swapped for others in place (so the node list stays
// in topological order, as ONNX requires), chosen initializers are dropped, and new fields are appended. Every other
// byte is copied as it is; the result is written once into a buffer of its final size.
import type { ScannedModel } from './scan';
import { putVarint, varintSize, WireReader, WireType, WireWriter } from './wire';

const GRAPH = { node: 1, initializer: 5 } as const;

export interface GraphRewrite {
  /** By node index: the NodeProto payloads written in the node's place, given the node's own payload. */
  readonly nodes?: ReadonlyMap<number, (payload: Uint8Array) => readonly Uint8Array[]>;
  /** Initializers left out, by where their TensorProto payload starts in the file. */
  readonly dropInitializers?: ReadonlySet<number>;
  /** Whole GraphProto fields (tag included) appended after the existing ones. */
  readonly append?: Uint8Array;
}

export function rewriteGraph(bytes: Uint8Array, model: ScannedModel, edit: GraphRewrite): Uint8Array {
  const graph = new WireWriter();
  const r = new WireReader(bytes, model.graphField.payload.start, model.graphField.payload.end);
  let nodeIndex = 0;
  while (!r.done) {
    const start = r.pos;
    const { field, wireType } = r.tag();
    if (wireType !== WireType.LEN) r.skip(wireType);
    else {
      const span = r.span();
      const replace = field === GRAPH.node ? edit.nodes?.get(nodeIndex++) : undefined;
      if (replace) {
        for (const node of replace(bytes.subarray(span.start, span.end))) graph.bytesField(GRAPH.node, node);
        continue;
      }
      if (field === GRAPH.initializer && edit.dropInitializers?.has(span.start)) continue;
    }
    graph.raw(bytes.subarray(start, r.pos));
  }
  if (edit.append) graph.raw(edit.append);
  const graphBytes = graph.finish();

  const { lengthStart, payload } = model.graphField;
  const out = new Uint8Array(
    lengthStart + varintSize(graphBytes.length) + graphBytes.length + bytes.length - payload.end,
  );
  out.set(bytes.subarray(0, lengthStart));
  const at = putVarint(out, lengthStart, graphBytes.length);
  out.set(graphBytes, at);
  out.set(bytes.subarray(payload.end), at + graphBytes.length);
  return out;
}
