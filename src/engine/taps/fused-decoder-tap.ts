// Decoder taps for fused attention (GroupQueryAttention, MultiHeadAttention): the graph hands back, per step, every
// layer's query at the last position ([batch, layers, width], one small Slice + Concat), and the rows are recomputed on
// the CPU from that query and the layer's present keys (core/attention/query-rows.ts), with GQA's own rotary caches
// where it rotates inside, and each layer's own sliding window and soft cap. Rows must be unpadded (GQA cannot mask
// left padding; the recomputed row ignores masks), so the last query sits at position totalKeys − 1.
import { attentionRowsFromQuery, type RotaryTables } from '../../core/attention/query-rows';
import { LensError } from '../../protocol/errors';
import { readFloatInitializer, type ExternalFile } from '../onnx/initializer-data';
import { scanModel } from '../onnx/scan';
import { findFusedDecoderSites, type FusedDecoderSite } from '../onnx/sites/fused-decoder';
import { spliceGraph } from '../onnx/splice';
import { TapNodes } from '../onnx/tap-nodes';
import { lastPositionLogits } from './decoder-tap';
import {
  checkRowAndKeys,
  float32Of,
  floatDataOf,
  tapReader,
  type DecoderTapReader,
  type TapEdit,
  type TapTensor,
} from './edit';

export interface FusedDecoderTap {
  /** [batch, layers, query width] float32. */
  readonly output: string;
  readonly layers: number;
  readonly sites: readonly Pick<
    FusedDecoderSite,
    'presentKey' | 'heads' | 'kvHeads' | 'scale' | 'window' | 'softcap'
  >[];
  /** Per layer; layers share one table pair in real exports, so equal names share one array. */
  readonly rotary: readonly (RotaryTables | undefined)[];
  /** The last position's logits, [batch, 1, vocab]. */
  readonly logits: string;
}

export function tapFusedDecoder(bytes: Uint8Array, external: readonly ExternalFile[] = []): TapEdit<FusedDecoderTap> {
  const model = scanModel(bytes);
  const sites = findFusedDecoderSites(model);
  if (sites.length === 0)
    throw new LensError('internal', 'tapFusedDecoder was given a graph without fused decoder attention.');
  const nodes = new TapNodes('decoder-fused', model.opsets.get('') ?? 0);
  const rows = sites.map((site) => nodes.slice(site.query, 1, -1));
  const output = nodes.float32(rows.length === 1 ? rows[0]! : nodes.concat(rows, 1));
  const logits = lastPositionLogits(nodes, model);
  const tables = new Map<string, Float32Array>();
  const table = (name: string) => {
    if (!tables.has(name)) tables.set(name, readFloatInitializer(bytes, model, name, external).data);
    return tables.get(name)!;
  };
  const rotary = sites.map((site): RotaryTables | undefined => {
    if (!site.rotary) return undefined;
    const cosDims = model.graph.initializers.find((i) => i.name === site.rotary!.cosCache)?.dims ?? [];
    return {
      cos: table(site.rotary.cosCache),
      sin: table(site.rotary.sinCache),
      interleaved: site.rotary.interleaved,
      half: cosDims[cosDims.length - 1] ?? 0,
    };
  });
  // The present keys are graph outputs in every decoder_model_merged; expose any that is not.
  const missing = sites.map((s) => s.presentKey).filter((name) => !model.graph.outputs.includes(name));
  return {
    bytes: spliceGraph(bytes, model, { nodes: nodes.nodes, outputs: [output, logits, ...missing] }),
    tap: {
      output,
      layers: sites.length,
      sites: sites.map(({ presentKey, heads, kvHeads, scale, window, softcap }) => ({
        presentKey,
        heads,
        kvHeads,
        scale,
        window,
        softcap,
      })),
      rotary,
      logits,
    },
  };
}

/** Row `row`'s attention over keys [keyStart, keyStart + keyCount), as [layers, heads, keyCount]. */
export function readFusedAttention(
  tap: FusedDecoderTap,
  outputs: Readonly<Record<string, TapTensor>>,
  row: number,
  keyStart: number,
  keyCount: number,
): Float32Array {
  const queries = float32Of(outputs, tap.output, 3);
  const [batch, layers, width] = queries.dims as [number, number, number];
  const heads = tap.sites[0]!.heads;
  const out = new Float32Array(layers * heads * keyCount);
  tap.sites.forEach((site, l) => {
    const keys = floatDataOf(outputs, site.presentKey, 4);
    const [, kvHeads, totalKeys, headDim] = keys.dims as [number, number, number, number];
    checkRowAndKeys(row, batch, keyStart, keyCount, totalKeys);
    // Packed Q|K|V inputs start with the query heads.
    const query = queries.data.subarray((row * layers + l) * width, (row * layers + l) * width + site.heads * headDim);
    const rows = attentionRowsFromQuery({
      query,
      keys: keys.data.subarray(row * kvHeads * totalKeys * headDim, (row + 1) * kvHeads * totalKeys * headDim),
      heads: site.heads,
      kvHeads,
      headDim,
      totalKeys,
      scale: site.scale || 1 / Math.sqrt(headDim),
      position: totalKeys - 1,
      rotary: tap.rotary[l],
      window: site.window,
      softcap: site.softcap,
    });
    for (let h = 0; h < site.heads; h++)
      out.set(rows.subarray(h * totalKeys + keyStart, h * totalKeys + keyStart + keyCount), (l * heads + h) * keyCount);
  });
  return out;
}

// The present keys are fetched by the runner anyway: they are the next step's past.
export const fusedTapReader = (tap: FusedDecoderTap): DecoderTapReader => tapReader(tap, readFusedAttention);
