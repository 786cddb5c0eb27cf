// Decoder taps for fused attention (GroupQueryAttention, MultiHeadAttention), whose probabilities never leave the op:
// nodes spliced after each op recompute its last query row on the device from the op's own query input and present
// keys — GQA's rotary through the op's cos/sin caches (com.microsoft RotaryEmbedding at the row's position), grouped
// KV heads, the layer's scale, soft cap and sliding window, and only the keys each row holds — and the layers are
// stacked as [batch, layers·heads, 1, keys], the unfused tap's layout, read by the same reader. A step thus reads back
// those rows and the last logits; the KV cache stays on the device. GQA rows of a batch are right-padded (seqlens_k
// says how many keys each holds); MultiHeadAttention rows are left-padded, hidden by the op's own mask inputs.
import { LensError } from '../../protocol/errors';
import { scanModel, type ScannedModel } from '../onnx/scan';
import { findFusedDecoderSites, type FusedDecoderSite } from '../onnx/sites/fused-decoder';
import { spliceGraph } from '../onnx/splice';
import { TapNodes } from '../onnx/tap-nodes';
import { lastPositionLogits, type DecoderTap } from './decoder-tap';
import type { TapEdit } from './edit';

const FLOAT = 1;
const INT64 = 7;
const BOOL = 9;

/** Keys row b may attend to, [batch, 1, 1, keys]: its first seqlens_k[b] + 1 keys, the last `window` of them. */
function keyMask(nodes: TapNodes, seqlens: string, keyCount: string, window: number | undefined): string {
  const held = nodes.op('Add', [nodes.op('Cast', [seqlens], [{ name: 'to', int: INT64 }]), nodes.int(1)]);
  const perRow = nodes.op('Unsqueeze', [held, nodes.ints([1])]);
  const keys = nodes.op('Unsqueeze', [nodes.op('Range', [nodes.int(0), keyCount, nodes.int(1)]), nodes.ints([0])]);
  let mask = nodes.op('Less', [keys, perRow]);
  if (window !== undefined)
    mask = nodes.op('And', [mask, nodes.op('GreaterOrEqual', [keys, nodes.op('Sub', [perRow, nodes.int(window)])])]);
  return nodes.op('Reshape', [mask, nodes.ints([0, 1, 1, -1])]);
}

/** softmax(q·Kᵀ·scale) of the op's last query position, [batch, heads, 1, keys] float32. */
function lastQueryRow(nodes: TapNodes, model: ScannedModel, site: FusedDecoderSite): string {
  const { heads, kvHeads } = site;
  const keyShape = nodes.op('Shape', [site.presentKey]);
  const headDim = nodes.slice(keyShape, 0, 3, 4);
  let query = nodes.slice(site.query, 1, -1);
  // Packed Q|K|V inputs start with the query heads.
  if (site.packed)
    query = nodes.op('Slice', [
      query,
      nodes.ints([0]),
      nodes.op('Mul', [headDim, nodes.ints([heads])]),
      nodes.ints([2]),
    ]);
  if (site.rotary) {
    const cosDims = model.graph.initializers.find((i) => i.name === site.rotary!.cosCache)?.dims ?? [];
    const half = cosDims[cosDims.length - 1];
    const position = nodes.op('Unsqueeze', [
      nodes.op('Cast', [site.seqlens!], [{ name: 'to', int: INT64 }]),
      nodes.ints([1]),
    ]);
    query = nodes.op(
      'RotaryEmbedding',
      [query, position, site.rotary.cosCache, site.rotary.sinCache],
      [
        { name: 'interleaved', int: site.rotary.interleaved ? 1 : 0 },
        ...(half
          ? [
              { name: 'num_heads', int: heads },
              { name: 'rotary_embedding_dim', int: 2 * half },
            ]
          : []),
      ],
      'com.microsoft',
    );
  }
  // Query head h reads KV head ⌊h / group⌋: grouping the heads as [kvHeads, group] lets one MatMul broadcast the keys.
  const grouped = nodes.op('Reshape', [nodes.float32(query), nodes.ints([0, kvHeads, heads / kvHeads, -1])]);
  const keysT = nodes.op('Transpose', [nodes.float32(site.presentKey)], [{ name: 'perm', ints: [0, 1, 3, 2] }]);
  const dots = nodes.op('MatMul', [grouped, keysT]);
  let scores = site.scale
    ? nodes.op('Mul', [dots, nodes.float(site.scale)])
    : nodes.op('Div', [dots, nodes.op('Sqrt', [nodes.op('Cast', [headDim], [{ name: 'to', int: FLOAT }])])]);
  if (site.softcap) {
    const cap = nodes.float(site.softcap);
    scores = nodes.op('Mul', [nodes.op('Tanh', [nodes.op('Div', [scores, cap])]), cap]);
  }
  if (site.bias) scores = nodes.op('Add', [scores, nodes.float32(nodes.slice(site.bias, 2, -1))]);
  if (site.keyPaddingMask) {
    const kept = nodes.op('Cast', [site.keyPaddingMask], [{ name: 'to', int: BOOL }]);
    scores = nodes.op('Where', [
      nodes.op('Reshape', [kept, nodes.ints([0, 1, 1, -1])]),
      scores,
      nodes.float(-Infinity),
    ]);
  }
  if (site.seqlens) {
    const keyCount = nodes.op('Squeeze', [nodes.slice(keyShape, 0, 2, 3), nodes.ints([0])]);
    scores = nodes.op('Where', [keyMask(nodes, site.seqlens, keyCount, site.window), scores, nodes.float(-Infinity)]);
  }
  const probs = nodes.op('Softmax', [scores], [{ name: 'axis', int: -1 }]);
  return nodes.op('Reshape', [probs, nodes.ints([0, heads, 1, -1])]);
}

export function tapFusedDecoder(bytes: Uint8Array): TapEdit<DecoderTap> {
  const model = scanModel(bytes);
  const sites = findFusedDecoderSites(model);
  if (sites.length === 0)
    throw new LensError('internal', 'tapFusedDecoder was given a graph without fused decoder attention.');
  const heads = new Set(sites.map((site) => site.heads));
  if (heads.size !== 1)
    throw new LensError(
      'attention-unavailable',
      `The decoder's attention layers have different head counts (${[...heads].join(', ')}); attention maps need one head count for every layer.`,
    );
  const nodes = new TapNodes('decoder-fused', model.opsets.get('') ?? 0);
  const rows = sites.map((site) => lastQueryRow(nodes, model, site));
  const output = rows.length === 1 ? rows[0]! : nodes.concat(rows, 1);
  const logits = lastPositionLogits(nodes, model);
  return {
    bytes: spliceGraph(bytes, model, { nodes: nodes.nodes, outputs: [output, logits] }),
    tap: { output, layers: sites.length, logits },
  };
}
