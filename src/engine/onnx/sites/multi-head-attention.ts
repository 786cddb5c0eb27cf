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

/** com.microsoft MultiHeadAttention inputs 4 and up, none of which a recomputed row would apply. */
const EXTRA_INPUTS = ['key_padding_mask', 'attention_bias', 'past_key', 'past_value', 'past_sequence_length'];

export const fusedMultiHeadAttention: SiteStrategy = {
  handles: ['MultiHeadAttention'],
  find(index) {
    const sites: SiteCandidate[] = [];
    for (const node of index.graph.nodes) {
      if (node.opType !== 'MultiHeadAttention' || node.domain !== 'com.microsoft') continue;
      const [query = '', key = '', , bias = ''] = node.inputs;
      const refuse = (why: string) => {
        throw new LensError(
          'attention-unavailable',
          `MultiHeadAttention node '${node.name}' ${why}; without a KV cache (as in vision towers) DAMRO Lens ` +
            `recomputes its attention from separate query and key inputs (and the op's packed bias) only. Attention ` +
            `needs an export with unfused attention (Softmax over Q·Kᵀ), or one whose MultiHeadAttention takes just q, k, v.`,
        );
      };
      if (!key) refuse(`packs Q, K and V into its query input '${query}' (its key input is empty)`);
      const extra = EXTRA_INPUTS.find((_, i) => node.inputs[4 + i]);
      if (extra)
        refuse(
          `takes a mask, an attention bias or past state: its ${extra} input (${4 + EXTRA_INPUTS.indexOf(extra)}, ` +
            `'${node.inputs[4 + EXTRA_INPUTS.indexOf(extra)]}') is set; supported: inputs 4 and up empty`,
        );
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
