import type { GraphIndex } from '../graph-index';
import type { ScannedNode } from '../scan';

/** One attention layer located in a graph, with the tensors a tap can expose. */
export interface AttentionSite {
  /** Position among the graph's attention sites in node (topological) order: the layer index. */
  readonly layer: number;
  /** The strategy that recognised it. */
  readonly strategy: string;
  /** The node that computes the probabilities (for messages and name hints). */
  readonly node: ScannedNode;
  /** Attention probabilities, [batch, heads, queries, keys]; absent where a fused op keeps them inside. */
  readonly probs?: string;
  /** For fused attention: the op's q/k inputs, from which rows are recomputed. */
  readonly fused?: FusedQk;
  /** Raw q projection output ([batch, tokens, hidden], bias included, before any scaling), when traceable. */
  readonly queryProjection?: string;
  /** Raw k projection output, when traceable. */
  readonly keyProjection?: string;
  /** The block's output hidden states (the residual stream after its MLP), for pre-norm blocks. */
  readonly layerOutput?: string;
}

/** What a fused attention op (com.microsoft MultiHeadAttention) reads, to recompute its rows outside. */
export interface FusedQk {
  /** [batch, tokens, hidden] each, before the op adds its bias. */
  readonly query: string;
  readonly key: string;
  /** The op's packed Q|K|V bias [3·hidden], when it adds one itself. */
  readonly bias?: string;
  readonly heads: number;
  /** The op's explicit score scale; absent means its default, 1/√headDim. */
  readonly scale?: number;
}

export type SiteCandidate = Omit<AttentionSite, 'layer'>;

/**
 * One way of recognising attention in a graph. `handles` lists the fused op types it understands, so the
 * finder knows which fused nodes it may not refuse; a strategy for, say, GroupQueryAttention adds its op here.
 */
export interface SiteStrategy {
  readonly handles: readonly string[];
  find(index: GraphIndex): SiteCandidate[];
}
