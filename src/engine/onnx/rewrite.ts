// Rewrites a model's main graph field by field: chosen nodes are swapped for others in place (so the node list stays
// in topological order, as ONNX requires), chosen initializers are dropped, and new fields are appended. Every other
// byte is copied as it is, once, into a buffer of the result's final size.
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
  // Views of the fields kept and the few new ones, so the weights are copied once, into the result.
  const parts: Uint8Array[] = [];
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
        const nodes = new WireWriter();
        for (const node of replace(bytes.subarray(span.start, span.end))) nodes.bytesField(GRAPH.node, node);
        parts.push(nodes.finish());
        continue;
      }
      if (field === GRAPH.initializer && edit.dropInitializers?.has(span.start)) continue;
    }
    parts.push(bytes.subarray(start, r.pos));
  }
  if (edit.append) parts.push(edit.append);
  const graphLength = parts.reduce((sum, part) => sum + part.length, 0);

  const { lengthStart, payload } = model.graphField;
  const out = new Uint8Array(lengthStart + varintSize(graphLength) + graphLength + bytes.length - payload.end);
  out.set(bytes.subarray(0, lengthStart));
  let at = putVarint(out, lengthStart, graphLength);
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  out.set(bytes.subarray(payload.end), at);
  return out;
}
