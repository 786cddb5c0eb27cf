// Locates every attention layer of a graph by topology, numbers the layers in node order, and refuses graphs
// whose attention it cannot read, saying what it found there instead of returning nothing.
import { LensError } from '../../../protocol/errors';
import { GraphIndex } from '../graph-index';
import type { ScannedModel, ScannedNode } from '../scan';
import type { AttentionSite, SiteCandidate, SiteStrategy } from './site';
import { fusedMultiHeadAttention } from './multi-head-attention';
import { unfusedSoftmax } from './unfused-softmax';

export const SITE_STRATEGIES: Readonly<Record<string, SiteStrategy>> = {
  'unfused-softmax': unfusedSoftmax,
  'fused-mha': fusedMultiHeadAttention,
};

/** Ops that compute attention internally (com.microsoft contrib ops, and ONNX's own Attention since opset 23). */
const FUSED_ATTENTION = new Set([
  'Attention',
  'MultiHeadAttention',
  'GroupQueryAttention',
  'PackedAttention',
  'PackedMultiHeadAttention',
  'DecoderMaskedMultiHeadAttention',
  'DecoderMaskedSelfAttention',
  'DecoderAttention',
  'SparseAttention',
  'PagedAttention',
  'QAttention',
  'LongformerAttention',
]);

/** Layer numbers in exporter scope names: `layers.3`, `layer.3`, `h.3`, `blocks.3`. */
const LAYER_HINT = /(?:^|[/._])(?:layers?|h|blocks?)[._](\d+)(?=[/._]|$)/;

const qualified = (node: ScannedNode) => (node.domain ? `${node.domain}.${node.opType}` : node.opType);

function describeCounts(nodes: readonly ScannedNode[]): string {
  const counts = new Map<string, number>();
  for (const node of nodes) counts.set(qualified(node), (counts.get(qualified(node)) ?? 0) + 1);
  return [...counts].map(([op, n]) => `${n} × ${op}`).join(', ');
}

function refuseControlFlow(nodes: readonly ScannedNode[], what: string): void {
  const flow = nodes.filter((node) => node.attributes.some((a) => a.hasGraph));
  if (flow.length === 0) return;
  const first = flow[0]!;
  throw new LensError(
    'attention-unavailable',
    `The ${what} graph has ${describeCounts(flow)} (first: '${first.name}') whose subgraphs hold part of the model. ` +
      `DAMRO Lens reads attention inside subgraphs only in Optimum merged decoders (one If node on the use_cache_branch ` +
      `input, the whole decoder in each branch), so attention cannot be read here. Use an export without If/Loop/Scan ` +
      `nodes (transformers.js-style decoder_model_merged.onnx files have none).`,
    { controlFlow: describeCounts(flow) },
  );
}

function refuseFusedAttention(nodes: readonly ScannedNode[], what: string): void {
  const handled = new Set(Object.values(SITE_STRATEGIES).flatMap((s) => s.handles));
  const fused = nodes.filter((node) => FUSED_ATTENTION.has(node.opType) && !handled.has(node.opType));
  if (fused.length === 0) return;
  throw new LensError(
    'attention-unavailable',
    `The ${what} graph computes attention inside fused nodes (${describeCounts(fused)}, first: '${fused[0]!.name}'), which do not ` +
      `output their attention probabilities, and DAMRO Lens cannot recompute them for this op. It reads unfused ` +
      `attention (a Softmax over Q·Kᵀ feeding a MatMul with V), com.microsoft MultiHeadAttention with separate q and k ` +
      `inputs, and, in decoders, GroupQueryAttention or MultiHeadAttention fed the KV cache. Use an export with one ` +
      `of these, e.g. one that was not ORT-optimised.`,
    { fused: describeCounts(fused) },
  );
}

/**
 * Layer numbers in node names must grow with the node order. They may skip numbers: a hybrid decoder's convolution
 * layers have no attention site (the layer count is checked against the configuration).
 */
function checkNameHints(sites: readonly AttentionSite[], what: string): void {
  let previous = -1;
  for (const site of sites) {
    const hint = LAYER_HINT.exec(site.node.name)?.[1];
    if (hint === undefined) continue;
    if (Number(hint) <= previous) {
      throw new LensError(
        'attention-unavailable',
        `The ${what} graph's attention sites do not line up with its layer names: site ${site.layer} in node order is '${site.node.name}' ` +
          `(layer ${hint} by name) after a site of layer ${previous} by name, so layers cannot be numbered reliably. Please report this model.`,
      );
    }
    previous = Number(hint);
  }
}

/** Attention sites in layer order; throws a LensError ('attention-unavailable') naming what was found instead. */
export function findAttentionSites(model: ScannedModel, what: string): AttentionSite[] {
  const { nodes } = model.graph;
  refuseControlFlow(nodes, what);
  refuseFusedAttention(nodes, what);
  const index = new GraphIndex(model.graph);
  const candidates: SiteCandidate[] = Object.values(SITE_STRATEGIES).flatMap((strategy) => strategy.find(index));
  if (candidates.length === 0) {
    const softmaxes = nodes.filter((n) => n.opType === 'Softmax').length;
    throw new LensError(
      'attention-unavailable',
      `No attention found in the ${what} graph: ${softmaxes === 0 ? 'it has no Softmax node' : `none of its ${softmaxes} Softmax nodes sits between Q·Kᵀ and a MatMul with V`}. ` +
        `This model's attention cannot be shown.`,
    );
  }
  const sites = candidates
    .sort((a, b) => a.node.index - b.node.index)
    .map((c, layer): AttentionSite => ({ ...c, layer }));
  checkNameHints(sites, what);
  return sites;
}
