// A tiny companion model that copies KV-cache rows along the batch axis: out.i = Gather(in.i, rows, axis 0) for
// every cache tensor. Rows that share a prompt are prefilled once and then copied by this graph, so under WebGPU
// the cache never leaves the GPU (its inputs and outputs are GPU buffers) and under wasm it stays in ORT's heap.
import { encodeNode } from './splice';
import { WireWriter } from './wire';

const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 } as const;
const GRAPH = { node: 1, name: 2, input: 11, output: 12 } as const;
const ELEMENT_TYPE = { float32: 1, int64: 7, float16: 10 } as const;

export const rowCopyInput = (i: number): string => `in.${i}`;
export const rowCopyOutput = (i: number): string => `out.${i}`;
/** The int64 [rows] input: for each output row, the input row it copies. */
export const ROW_COPY_INDEX = 'rows';

/** Element type only: the rank and sizes are whatever the decoder's cache has. */
function valueInfo(w: WireWriter, name: string, elementType: number): void {
  w.stringField(1, name).messageField(2, (type) => type.messageField(1, (tensor) => tensor.varintField(1, elementType)));
}

export function rowCopyModel(tensors: number, elementType: 'float32' | 'float16'): Uint8Array {
  const w = new WireWriter();
  // IR version 8 with opset 13: Gather is unchanged since 13, and every ORT build reads both.
  w.varintField(MODEL.irVersion, 8).stringField(MODEL.producerName, 'damro-lens');
  w.messageField(MODEL.graph, (graph) => {
    for (let i = 0; i < tensors; i++) {
      graph.bytesField(GRAPH.node, encodeNode({ name: `gather_${i}`, opType: 'Gather', inputs: [rowCopyInput(i), ROW_COPY_INDEX], outputs: [rowCopyOutput(i)], attributes: [{ name: 'axis', int: 0 }] }));
    }
    graph.stringField(GRAPH.name, 'kv_row_copy');
    graph.messageField(GRAPH.input, (info) => valueInfo(info, ROW_COPY_INDEX, ELEMENT_TYPE.int64));
    for (let i = 0; i < tensors; i++) graph.messageField(GRAPH.input, (info) => valueInfo(info, rowCopyInput(i), ELEMENT_TYPE[elementType]));
    for (let i = 0; i < tensors; i++) graph.messageField(GRAPH.output, (info) => valueInfo(info, rowCopyOutput(i), ELEMENT_TYPE[elementType]));
  });
  w.messageField(MODEL.opsetImport, (opset) => opset.stringField(1, '').varintField(2, 13));
  return w.finish();
}
