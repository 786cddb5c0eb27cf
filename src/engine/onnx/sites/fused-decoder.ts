// Decoder attention computed inside a fused com.microsoft op, whose probabilities never leave it on WebGPU
// (GroupQueryAttention's qk_output is CPU-only, src/engine/browser-stack.md §3): each site records what recomputing a
// row needs instead — the op's query input, its present-key output, head counts, scale, and, where the op applies
// rotary itself (GQA do_rotary), the cos/sin caches. One reader per op type.
import { LensError } from '../../../protocol/errors';
import type { ScannedModel, ScannedNode } from '../scan';

export interface FusedDecoderSite {
  readonly layer: number;
  readonly node: ScannedNode;
  /** [batch, seq, width]: the query alone, or packed Q|K|V (query heads first) when the op's key input is empty. */
  readonly query: string;
  readonly presentKey: string;
  readonly heads: number;
  readonly kvHeads: number;
  /** 0 means the op's default, 1/√headDim. */
  readonly scale: number;
  /**
   * GQA local_window_size: how many most recent keys (the query's own included) it sees; absent for global attention.
   */
  readonly window?: number;
  /** GQA softcap; absent when scores are not capped. */
  readonly softcap?: number;
  readonly rotary?: { readonly cosCache: string; readonly sinCache: string; readonly interleaved: boolean };
  /** Whether `query` packs Q|K|V (the op's key input is empty). */
  readonly packed: boolean;
  /** GQA seqlens_k, int32 [batch]: each row's key count − 1, which is also the last query's rotary position. */
  readonly seqlens?: string;
  /** MultiHeadAttention attention_bias, [batch | 1, heads | 1, seq, keys], added to the scores (masks padding). */
  readonly bias?: string;
  /** MultiHeadAttention key_padding_mask as a KV-cached decoder feeds it, [batch, keys]: 0 hides a key. */
  readonly keyPaddingMask?: string;
}

type SiteReader = (node: ScannedNode, layer: number, refuse: (why: string) => never) => FusedDecoderSite;

const attr = (node: ScannedNode, name: string) => node.attributes.find((a) => a.name === name);

function common(node: ScannedNode, layer: number, refuse: (why: string) => never, kvHeads: number): FusedDecoderSite {
  const presentKey = node.outputs[1];
  if (!presentKey) refuse('has no present_key output (output 1), from which the rows are recomputed');
  return {
    layer,
    node,
    query: node.inputs[0]!,
    presentKey,
    heads: attr(node, 'num_heads')?.i ?? 0,
    kvHeads,
    scale: attr(node, 'scale')?.f ?? 0,
    packed: !node.inputs[1],
  };
}

const READERS: Readonly<Record<string, SiteReader>> = {
  // Inputs: query, key, value, past_key, past_value, seqlens_k, total_sequence_length, cos_cache, sin_cache, …,
  // attention_bias (10).
  GroupQueryAttention: (node, layer, refuse) => {
    if ((attr(node, 'smooth_softmax')?.i ?? 0) !== 0)
      refuse('has smooth_softmax = 1 (supported: 0, the plain softmax)');
    if (node.inputs[10]) refuse(`adds an attention bias (input 10, '${node.inputs[10]}'; supported: none)`);
    const window = attr(node, 'local_window_size')?.i ?? -1;
    const softcap = attr(node, 'softcap')?.f ?? 0;
    if (window === 0 || window < -1)
      refuse(`has local_window_size = ${window} (supported: −1 for global attention, or a window of at least 1 key)`);
    if (softcap < 0) refuse(`has softcap = ${softcap} (supported: 0 for none, or a positive cap)`);
    const doRotary = (attr(node, 'do_rotary')?.i ?? 0) === 1;
    const [cosCache, sinCache] = [node.inputs[7], node.inputs[8]];
    if (doRotary && (!cosCache || !sinCache)) refuse('has do_rotary = 1 but no cos/sin cache inputs (7 and 8)');
    if (!node.inputs[5]) refuse('has no seqlens_k input (5)');
    const site = {
      ...common(node, layer, refuse, attr(node, 'kv_num_heads')?.i ?? 0),
      seqlens: node.inputs[5],
      ...(window > 0 && { window }),
      ...(softcap > 0 && { softcap }),
    };
    return doRotary
      ? {
          ...site,
          rotary: {
            cosCache: cosCache!,
            sinCache: sinCache!,
            interleaved: (attr(node, 'rotary_interleaved')?.i ?? 0) === 1,
          },
        }
      : site;
  },
  // Inputs: query, key, value, bias, key_padding_mask, attention_bias, past_key, past_value. Rotary is applied
  // before the op, so q arrives rotated. The recomputed rows apply the op's padding mask and attention bias, so
  // left-padded rows get the keys the op lets them see.
  MultiHeadAttention: (node, layer, refuse) => {
    if (!node.inputs[1]) refuse('packs Q, K and V into its query input (supported: separate query, key and value)');
    if (node.inputs[3])
      refuse(`adds a bias inside the op (input 3, '${node.inputs[3]}'; supported: none, the bias added before it)`);
    return {
      ...common(node, layer, refuse, attr(node, 'num_heads')?.i ?? 0),
      ...(node.inputs[4] && { keyPaddingMask: node.inputs[4] }),
      ...(node.inputs[5] && { bias: node.inputs[5] }),
    };
  },
};

const isFusedDecoderNode = (node: ScannedNode): boolean =>
  node.domain === 'com.microsoft' &&
  node.opType in READERS &&
  (node.opType !== 'MultiHeadAttention' || Boolean(node.inputs[6]));

/** Whether the decoder's attention is a fused op with a KV cache (GQA, or MultiHeadAttention fed past keys). */
export const hasFusedDecoderAttention = (model: ScannedModel): boolean => model.graph.nodes.some(isFusedDecoderNode);

/** Fused decoder attention sites in layer (node) order; refuses variants whose rows a recomputation would miss. */
export function findFusedDecoderSites(model: ScannedModel): FusedDecoderSite[] {
  return model.graph.nodes.filter(isFusedDecoderNode).map((node, layer) =>
    READERS[node.opType]!(node, layer, (why) => {
      throw new LensError(
        'attention-unavailable',
        `${node.opType} node '${node.name}' ${why}, which recomputed attention rows would not reproduce. Attention maps are unavailable for this model.`,
      );
    }),
  );
}
