// Decoder attention computed by com.microsoft GroupQueryAttention (ORT-optimised and onnxruntime-genai
// exports): the op never returns its probabilities on WebGPU (qk_output is CPU-only, browser-stack.md §3), so
// each site records what recomputing a row needs instead: the op's query input (before rotary), its present-key
// output, head counts, scale, and the rotary caches when the op applies rotary itself.
import { LensError } from '../../../protocol/errors';
import type { ScannedModel, ScannedNode } from '../scan';

export interface GqaSite {
  readonly layer: number;
  readonly node: ScannedNode;
  /** [batch, seq, width]: the query alone, or packed Q|K|V when the op's key input is empty. */
  readonly query: string;
  readonly presentKey: string;
  readonly heads: number;
  readonly kvHeads: number;
  /** 0 means the op's default, 1/√headDim. */
  readonly scale: number;
  readonly rotary?: { readonly cosCache: string; readonly sinCache: string; readonly interleaved: boolean };
}

const attr = (node: ScannedNode, name: string) => node.attributes.find((a) => a.name === name);

export const hasGroupQueryAttention = (model: ScannedModel): boolean => model.graph.nodes.some((n) => n.opType === 'GroupQueryAttention' && n.domain === 'com.microsoft');

/** GroupQueryAttention sites in layer (node) order; refuses variants whose rows a query/key recomputation would miss. */
export function findGqaSites(model: ScannedModel): GqaSite[] {
  const nodes = model.graph.nodes.filter((n) => n.opType === 'GroupQueryAttention' && n.domain === 'com.microsoft');
  return nodes.map((node, layer): GqaSite => {
    const refuse = (why: string) => {
      throw new LensError('attention-unavailable', `GroupQueryAttention node '${node.name}' ${why}, which recomputed attention rows would not reproduce. Attention maps are unavailable for this model.`);
    };
    if ((attr(node, 'local_window_size')?.i ?? -1) !== -1) refuse('uses sliding-window attention');
    if ((attr(node, 'softcap')?.f ?? 0) !== 0) refuse('caps its scores (softcap)');
    if ((attr(node, 'smooth_softmax')?.i ?? 0) !== 0) refuse('uses a smooth softmax');
    if (node.inputs[10]) refuse('adds an attention bias');
    const presentKey = node.outputs[1];
    if (!presentKey) refuse('has no present_key output');
    const doRotary = (attr(node, 'do_rotary')?.i ?? 0) === 1;
    const [cosCache, sinCache] = [node.inputs[7], node.inputs[8]];
    if (doRotary && (!cosCache || !sinCache)) refuse('applies rotary without cos/sin caches');
    return {
      layer,
      node,
      query: node.inputs[0]!,
      presentKey: presentKey!,
      heads: attr(node, 'num_heads')?.i ?? 0,
      kvHeads: attr(node, 'kv_num_heads')?.i ?? 0,
      scale: attr(node, 'scale')?.f ?? 0,
      rotary: doRotary ? { cosCache: cosCache!, sinCache: sinCache!, interleaved: (attr(node, 'rotary_interleaved')?.i ?? 0) === 1 } : undefined,
    };
  });
}
