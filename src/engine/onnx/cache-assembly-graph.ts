// A tiny companion model that assembles the batched KV cache from caches prefilled one prompt at a time: each
// prompt's cache is padded to the common width by a Gather along the key axis (on the left, or on the right for
// GroupQueryAttention; padded slots repeat an edge key, which the attention mask hides), the prompts are stacked
// along the batch axis, and a Gather along the batch axis places them into rows, copying a prompt that several rows
// share (the baseline and DAMRO's full row). A state tensor (a short convolution's carried state, [1, channels,
// taps]) has no key axis: it is stacked and placed into rows unpadded.
// Under WebGPU its inputs and outputs are GPU buffers, so the cache never leaves the device; under wasm it stays
// in ORT's heap. Gather and Concat take every cache type (float32, float16).
import { encodeNode } from './splice';
import { WireWriter } from './wire';

const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 } as const;
const GRAPH = { node: 1, name: 2, input: 11, output: 12 } as const;
const ELEMENT_TYPE = { float32: 1, int64: 7, float16: 10 } as const;

/** Cache tensor i of prompt p, [1, heads, length_p, headDim]. */
export const assemblyInput = (prompt: number, i: number): string => `in.${prompt}.${i}`;
/** Assembled cache tensor i, [rows, heads, width, headDim]. */
export const assemblyOutput = (i: number): string => `out.${i}`;
/** int64 [width] per prompt: the key each padded slot takes (e.g. 0 for the left padding, then 0 … length − 1). */
export const assemblyKeys = (prompt: number): string => `keys.${prompt}`;
/** int64 [rows]: the prompt each row takes. */
export const ASSEMBLY_ROWS = 'rows';

/** Element type only: the rank and sizes are whatever the decoder's cache has. */
function valueInfo(w: WireWriter, name: string, elementType: number): void {
  w.stringField(1, name).messageField(2, (type) =>
    type.messageField(1, (tensor) => tensor.varintField(1, elementType)),
  );
}

/** `states`: the indices of state tensors (no key axis to pad). */
export function cacheAssemblyModel(
  prompts: number,
  tensors: number,
  elementType: 'float32' | 'float16',
  states: ReadonlySet<number> = new Set(),
): Uint8Array {
  const w = new WireWriter();
  // IR version 8 with opset 13: Gather and Concat are unchanged since 13, and every ORT build reads both.
  w.varintField(MODEL.irVersion, 8).stringField(MODEL.producerName, 'damro-lens');
  w.messageField(MODEL.graph, (graph) => {
    const node = (name: string, opType: string, inputs: string[], axis: number) => {
      graph.bytesField(
        GRAPH.node,
        encodeNode({ name, opType, inputs, outputs: [name], attributes: [{ name: 'axis', int: axis }] }),
      );
      return name;
    };
    for (let i = 0; i < tensors; i++) {
      const padded = Array.from({ length: prompts }, (_, p) =>
        states.has(i)
          ? assemblyInput(p, i)
          : node(`pad_${p}_${i}`, 'Gather', [assemblyInput(p, i), assemblyKeys(p)], 2),
      );
      const stacked = prompts === 1 ? padded[0]! : node(`stack_${i}`, 'Concat', padded, 0);
      graph.bytesField(
        GRAPH.node,
        encodeNode({
          name: `rows_${i}`,
          opType: 'Gather',
          inputs: [stacked, ASSEMBLY_ROWS],
          outputs: [assemblyOutput(i)],
          attributes: [{ name: 'axis', int: 0 }],
        }),
      );
    }
    graph.stringField(GRAPH.name, 'kv_cache_assembly');
    graph.messageField(GRAPH.input, (info) => valueInfo(info, ASSEMBLY_ROWS, ELEMENT_TYPE.int64));
    for (let p = 0; p < prompts; p++)
      graph.messageField(GRAPH.input, (info) => valueInfo(info, assemblyKeys(p), ELEMENT_TYPE.int64));
    for (let p = 0; p < prompts; p++)
      for (let i = 0; i < tensors; i++)
        graph.messageField(GRAPH.input, (info) => valueInfo(info, assemblyInput(p, i), ELEMENT_TYPE[elementType]));
    for (let i = 0; i < tensors; i++)
      graph.messageField(GRAPH.output, (info) => valueInfo(info, assemblyOutput(i), ELEMENT_TYPE[elementType]));
  });
  w.messageField(MODEL.opsetImport, (opset) => opset.stringField(1, '').varintField(2, 13));
  return w.finish();
}
