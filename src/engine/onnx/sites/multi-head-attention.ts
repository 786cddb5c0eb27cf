// Vision attention fused by ORT's optimiser into com.microsoft MultiHeadAttention (query, key, value, optional
// packed bias): the probabilities never leave the op, but its q and k inputs are the projections DAMRO's
// scores are computed from, so a site records them and the scorers recompute rows from q·kᵀ (vision towers
// have no rotary embedding), with the op's own score scale. Masks, attention biases, past state and packed QKV
// are refused by name.
import { LensError } from '../../../protocol/errors';
import type { SiteCandidate, SiteStrategy } from './site';
import { layerOutput } from './unfused-softmax';

const attr = (attributes: readonly { name: string; i?: number; f?: number }[], name: string) =>
  attributes.find((a) => a.name === name);

export const fusedMultiHeadAttention: SiteStrategy = {
  handles: ['MultiHeadAttention'],
  find(index) {
    const sites: SiteCandidate[] = [];
    for (const node of index.graph.nodes) {
      if (node.opType !== 'MultiHeadAttention' || node.domain !== 'com.microsoft') continue;
      const [query = '', key = '', , bias = '', ...rest] = node.inputs;
      const refuse = (why: string) => {
        throw new LensError(
          'attention-unavailable',
          `MultiHeadAttention node '${node.name}' ${why}; DAMRO Lens recomputes MultiHeadAttention rows from separate query and key inputs only.`,
        );
      };
      if (!key) refuse(`packs Q, K and V into its query input '${query}' (its key input is empty)`);
      if (rest.some(Boolean)) refuse('takes a mask, an attention bias or past state');
      // Exports often write the default 1/√headDim out explicitly; any value is the op's own and is reused.
      const scale = attr(node.attributes, 'scale')?.f ?? 0;
      sites.push({
        strategy: 'fused-mha',
        node,
        fused: {
          query,
          key,
          bias: bias || undefined,
          heads: attr(node.attributes, 'num_heads')?.i ?? 0,
          ...(scale !== 0 && { scale }),
        },
        layerOutput: layerOutput(index, node),
      });
    }
    return sites;
  },
};
