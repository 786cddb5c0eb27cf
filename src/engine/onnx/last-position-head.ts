// Exports apply the LM head to every position of a call, but the engine reads only the last position's logits. At a
// prefill that is a [positions × hidden] · [hidden × vocabulary] product whose rows are thrown away: 860 of the 3446 ms
// of a 200-token prefill of the bench decoder on the CPU, and 118 MB of logits at 600 tokens. This edit slices the
// head's input to the last position, so `logits` comes out [batch, 1, vocabulary] and holds the same row as before.
// The head is found by walking back from `logits` through Identity and element-wise ops with constant operands
// (Gemma's logit soft-cap: Div, Tanh, Mul) to the MatMul or MatMulNBits that makes them.
import type { ScannedModel, ScannedNode } from './scan';
import { encodeNode } from './splice';
import { rewriteGraph } from './rewrite';
import { TapNodes } from './tap-nodes';
import { WireReader, WireType, WireWriter } from './wire';

const NODE_INPUT = 1;
const ELEMENT_WISE = new Set(['Identity', 'Mul', 'Div', 'Add', 'Sub', 'Tanh', 'Cast']);
const HEADS = new Set(['MatMul', 'MatMulNBits']);

export interface HeadEdit {
  /** The edited model, or the input itself when the head was not found. */
  readonly bytes: Uint8Array;
  /** The head node now fed the last position only. */
  readonly head?: string;
}

/** The LM head node feeding `logits`, or undefined when the path is not the plain one described above. */
export function findLmHead(model: ScannedModel): ScannedNode | undefined {
  const { graph } = model;
  const producer = new Map(graph.nodes.flatMap((node) => node.outputs.map((output) => [output, node] as const)));
  const constant = new Set([
    ...graph.initializers.map((init) => init.name),
    ...graph.nodes.filter((node) => node.opType === 'Constant').flatMap((node) => node.outputs),
  ]);
  let node = producer.get('logits');
  while (node && node.domain === '' && ELEMENT_WISE.has(node.opType)) {
    const varying = node.inputs.filter((input) => input && !constant.has(input));
    if (varying.length !== 1) return undefined;
    node = producer.get(varying[0]!);
  }
  return node && HEADS.has(node.opType) && (node.domain === '' || node.domain === 'com.microsoft') ? node : undefined;
}

/** The NodeProto with its first input renamed; every other field as it was, in order. */
function withFirstInput(payload: Uint8Array, input: string): Uint8Array {
  const w = new WireWriter();
  const r = new WireReader(payload);
  let replaced = false;
  while (!r.done) {
    const start = r.pos;
    const { field, wireType } = r.tag();
    r.skip(wireType);
    if (field === NODE_INPUT && wireType === WireType.LEN && !replaced) {
      w.stringField(NODE_INPUT, input);
      replaced = true;
    } else w.raw(payload.subarray(start, r.pos));
  }
  return w.finish();
}

export function headOnLastPosition(bytes: Uint8Array, model: ScannedModel): HeadEdit {
  const head = findLmHead(model);
  if (!head) return { bytes };
  const nodes = new TapNodes('lm_head', model.opsets.get('') ?? 0);
  const last = nodes.slice(head.inputs[0]!, 1, -1);
  const edited = rewriteGraph(bytes, model, {
    nodes: new Map([[head.index, (payload) => [...nodes.nodes.map(encodeNode), withFirstInput(payload, last)]]]),
  });
  return { bytes: edited, head: head.name };
}
