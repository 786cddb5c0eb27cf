// Decoder taps: per step, every layer's attention from the LAST query position (the token being generated)
// over all keys. The graph slices that row out of each layer's [B, H, S, T] probabilities and concatenates the
// layers into one [B, layers·heads, 1, T] output, so a prefill returns T values per head instead of S·T and the
// step costs one small transfer. The image columns are picked here because each batched row (baseline, DAMRO
// full, DAMRO outliers) has its own image span.
import { LensError } from '../../protocol/errors';
import { cacheBranchIfNode } from '../onnx/if-node';
import { scanModel, type ScannedModel } from '../onnx/scan';
import type { TapNodes } from '../onnx/tap-nodes';
import {
  checkRowAndKeys,
  editForTaps,
  float32Of,
  tapReader,
  type DecoderTapReader,
  type TapEdit,
  type TapTensor,
} from './edit';
import { tapIfMergedDecoder } from './if-merged-decoder-tap';

export interface DecoderTap {
  /** The graph output holding [batch, layers·heads, 1, keys]. */
  readonly output: string;
  readonly layers: number;
  /** The last position's logits, [batch, 1, vocab]: all a decode step reads of the logits. */
  readonly logits: string;
}

/**
 * Exports return logits for every position, [batch, sequence, vocab]: at a prefill that is hundreds of MB for a
 * 50k vocabulary. Slicing the last position in the graph lets the runner fetch only that row.
 */
export function lastPositionLogits(nodes: TapNodes, model: ScannedModel): string {
  if (!model.graph.outputs.includes('logits')) {
    throw new LensError(
      'unsupported-model',
      `The decoder has no 'logits' output (its outputs: ${model.graph.outputs.slice(0, 6).join(', ')}…); DAMRO Lens reads Optimum-layout decoders (logits, present.*).`,
    );
  }
  return nodes.slice('logits', 1, -1);
}

export function tapDecoder(bytes: Uint8Array): TapEdit<DecoderTap> {
  const scanned = scanModel(bytes);
  const ifNode = cacheBranchIfNode(scanned);
  if (ifNode) return tapIfMergedDecoder(bytes, scanned, ifNode, (nodes) => lastPositionLogits(nodes, scanned));
  return editForTaps(bytes, 'decoder', 'decoder', (sites, nodes, model) => {
    const rows = sites.map((site) => {
      if (site.probs) return nodes.slice(site.probs, -2, -1);
      throw new LensError(
        'attention-unavailable',
        `The decoder computes attention in fused ${site.node.opType} nodes ('${site.node.name}') that take no past keys ` +
          `(input 6 empty). DAMRO Lens recomputes decoder rows only from fused GroupQueryAttention, or MultiHeadAttention ` +
          `fed the KV cache, so attention maps are unavailable for this model; an export with unfused attention ` +
          `(Softmax over Q·Kᵀ) or one of those fused layouts works.`,
      );
    });
    const output = nodes.float32(rows.length === 1 ? rows[0]! : nodes.concat(rows, 1));
    const logits = lastPositionLogits(nodes, model);
    return { outputs: [output, logits], tap: { output, layers: sites.length, logits } };
  });
}

/** Row `row`'s attention over keys [keyStart, keyStart + keyCount), as [layers, heads, keyCount]. */
export function readDecoderAttention(
  tap: DecoderTap,
  outputs: Readonly<Record<string, TapTensor>>,
  row: number,
  keyStart: number,
  keyCount: number,
): Float32Array {
  const { data, dims } = float32Of(outputs, tap.output, 4);
  const [batch, stacked, , keys] = dims as [number, number, number, number];
  checkRowAndKeys(row, batch, keyStart, keyCount, keys);
  const out = new Float32Array(stacked * keyCount);
  for (let lh = 0; lh < stacked; lh++) {
    const from = (row * stacked + lh) * keys + keyStart;
    out.set(data.subarray(from, from + keyCount), lh * keyCount);
  }
  return out;
}

/** The shape the ORT decoder runner takes (DecoderTapReader). */
export const decoderTapReader = (tap: DecoderTap): DecoderTapReader => tapReader(tap, readDecoderAttention);
