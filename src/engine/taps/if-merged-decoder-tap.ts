// Decoder taps for Optimum merged decoders, whose attention lives inside the two branches of an If node on
// use_cache_branch (src/engine/browser-stack.md §10). Each branch gets the same tap as a plain decoder (the last
// query's row of every layer, concatenated, as float32) as one more branch output; the If node gets one more
// output, which carries whichever branch ran; the main graph exposes it and slices the last position's logits.
import { LensError } from '../../protocol/errors';
import { BRANCHES, readCacheBranchIf, type IfBranch } from '../onnx/if-node';
import type { ScannedModel, ScannedNode } from '../onnx/scan';
import { findAttentionSites } from '../onnx/sites/find-sites';
import { hasFusedDecoderAttention } from '../onnx/sites/fused-decoder';
import { spliceIfBranches, type BranchAdditions } from '../onnx/splice';
import { TapNodes } from '../onnx/tap-nodes';
import type { DecoderTap } from './decoder-tap';
import type { TapEdit } from './edit';

const BRANCH_LABEL: Record<IfBranch['name'], string> = {
  then_branch: 'with-past branch (then_branch)',
  else_branch: 'without-past branch (else_branch)',
};

/** The If node's tap output: [batch, layers·heads, 1, keys] from whichever branch ran. */
const IF_TAP_OUTPUT = 'damro_lens/decoder/if_attention';

export function tapIfMergedDecoder(
  bytes: Uint8Array,
  model: ScannedModel,
  ifNode: ScannedNode,
  lastPositionLogits: (nodes: TapNodes) => string,
): TapEdit<DecoderTap> {
  const found = readCacheBranchIf(bytes, model, ifNode);
  const opset = model.opsets.get('') ?? 0;
  const layers: number[] = [];
  const branches = found.branches.map((branch): BranchAdditions => {
    const what = `decoder's ${BRANCH_LABEL[branch.name]}`;
    // Branch nodes read the main graph's initializers (Optimum keeps the shared weights there), so for finding
    // projections and constants those count as the branch's own.
    const graph = { ...branch.graph, initializers: [...model.graph.initializers, ...branch.graph.initializers] };
    const view: ScannedModel = { ...model, graph };
    if (hasFusedDecoderAttention(view)) {
      throw new LensError(
        'attention-unavailable',
        `The ${what} of If node '${ifNode.name}' computes attention in fused nodes with a KV cache; DAMRO Lens reads ` +
          `attention inside If branches only where it is written out as Softmax and MatMul. Use an export without the ` +
          `If node (a transformers.js-style decoder_model_merged), which DAMRO Lens reads with fused attention too.`,
      );
    }
    const sites = findAttentionSites(view, what);
    const nodes = new TapNodes(`decoder/${branch.name}`, opset);
    const rows = sites.map((site) => {
      if (site.probs) return nodes.slice(site.probs, -2, -1);
      throw new LensError(
        'attention-unavailable',
        `The ${what} of If node '${ifNode.name}' computes attention in a fused ${site.node.opType} node ` +
          `('${site.node.name}'), which DAMRO Lens does not read inside If branches. Use an export without the If node.`,
      );
    });
    layers.push(sites.length);
    const output = nodes.float32(rows.length === 1 ? rows[0]! : nodes.concat(rows, 1));
    return { branch: branch.name, nodes: nodes.nodes, outputs: [output] };
  });
  if (layers[0] !== layers[1]) {
    throw new LensError(
      'attention-unavailable',
      `The branches of If node '${ifNode.name}' disagree: ${BRANCHES.map((b, i) => `${b} has ${layers[i]} attention layers`).join(', ')}; ` +
        `a merged decoder's two branches are the same decoder. Re-export the model.`,
    );
  }
  const main = new TapNodes('decoder', opset);
  const logits = lastPositionLogits(main);
  return {
    bytes: spliceIfBranches(bytes, model, found, branches, [IF_TAP_OUTPUT], {
      nodes: main.nodes,
      outputs: [IF_TAP_OUTPUT, logits],
    }),
    tap: { output: IF_TAP_OUTPUT, layers: layers[0]!, logits },
  };
}
