// The shared path of every tap: scan the file, find its attention, append the tap's nodes and outputs.
import { float16ToFloat32 } from '../../core/tensor/float16';
import { LensError } from '../../protocol/errors';
import { scanModel, type ScannedModel } from '../onnx/scan';
import type { AttentionSite } from '../onnx/sites/site';
import { findAttentionSites } from '../onnx/sites/find-sites';
import { spliceGraph } from '../onnx/splice';
import { TapNodes } from '../onnx/tap-nodes';

/** A graph output as the session returns it; onnxruntime's Tensor fits this shape. */
export interface TapTensor {
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** How the decoder runner reads a tapped decoder: what to fetch, where the logits are, and the attention rows. */
export interface DecoderTapReader {
  /** Tap outputs to fetch besides the KV cache (the attention tap and the last-position logits). */
  readonly outputs: readonly string[];
  /** [batch, 1, vocab] logits of the last position. */
  readonly logits: string;
  /** One row's attention over a span of key positions: [layers, heads, span]. */
  read(outputs: Readonly<Record<string, TapTensor>>, row: number, keyStart: number, keyCount: number): Float32Array;
}

/** A decoder tap's reader: fetch its attention output and last-position logits; `read` assembles a row's attention. */
export function tapReader<T extends { readonly output: string; readonly logits: string }>(
  tap: T,
  read: (tap: T, ...args: Parameters<DecoderTapReader['read']>) => Float32Array,
): DecoderTapReader {
  return {
    outputs: [tap.output, tap.logits],
    logits: tap.logits,
    read: (outputs, row, keyStart, keyCount) => read(tap, outputs, row, keyStart, keyCount),
  };
}

/** Refuses a batch row or a key span the decoder did not return: the runner asked for the wrong one. */
export function checkRowAndKeys(row: number, batch: number, keyStart: number, keyCount: number, keys: number): void {
  if (row < 0 || row >= batch) throw new LensError('internal', `Row ${row} is not in a decoder batch of ${batch}.`);
  if (keyStart < 0 || keyCount < 0 || keyStart + keyCount > keys) {
    throw new LensError(
      'internal',
      `Image keys ${keyStart}..${keyStart + keyCount} fall outside the ${keys} attended positions.`,
    );
  }
}

export interface TapEdit<T> {
  readonly bytes: Uint8Array;
  readonly tap: T;
}

/**
 * Edits `bytes` (a whole .onnx file; weights in an .onnx_data file are untouched and load as before).
 * `build` adds the tap's nodes and returns the tensors to expose plus the tap descriptor.
 */
export function editForTaps<T>(
  bytes: Uint8Array,
  what: string,
  prefix: string,
  build: (sites: readonly AttentionSite[], nodes: TapNodes, model: ScannedModel) => { outputs: string[]; tap: T },
): TapEdit<T> {
  const model = scanModel(bytes);
  const sites = findAttentionSites(model, what);
  const nodes = new TapNodes(prefix, model.opsets.get('') ?? 0);
  const { outputs, tap } = build(sites, nodes, model);
  return { bytes: spliceGraph(bytes, model, { nodes: nodes.nodes, outputs }), tap };
}

/**
 * A model output (not a tap: e.g. the present keys) as float32, whether the graph gives it in float32 or float16
 * (q4f16 exports that keep their KV cache in half precision).
 */
export function floatDataOf(
  outputs: Readonly<Record<string, TapTensor>>,
  name: string,
  rank: number,
): { data: Float32Array; dims: readonly number[] } {
  const tensor = outputs[name];
  if (tensor?.data instanceof Uint16Array)
    return float32Of({ [name]: { dims: tensor.dims, data: float16ToFloat32(tensor.data) } }, name, rank);
  return float32Of(outputs, name, rank);
}

/**
 * The float32 data of a tap output; taps end in a Cast to float32, so anything else is a wiring bug. With `rank`,
 * the output must have it: reductions assume probabilities laid out [batch, heads, queries, keys], and an
 * export that folds heads into the batch ([batch·heads, queries, keys], torch.bmm-style attention) yields
 * outputs of a lower rank, which must not be read as if they were per image.
 */
export function float32Of(
  outputs: Readonly<Record<string, TapTensor>>,
  name: string,
  rank?: number,
): { data: Float32Array; dims: readonly number[] } {
  const tensor = outputs[name];
  if (!tensor)
    throw new LensError(
      'internal',
      `The session returned no '${name}' output; it was not created from the tapped model bytes.`,
    );
  if (!(tensor.data instanceof Float32Array))
    throw new LensError(
      'internal',
      `Tap output '${name}' is not float32 on the CPU; create the session with it on the CPU.`,
    );
  if (rank !== undefined && tensor.dims.length !== rank) {
    throw new LensError(
      'attention-unavailable',
      `Tap output '${name}' has shape [${tensor.dims.join(', ')}], not rank ${rank}: this export keeps its attention probabilities with the heads folded into the batch ([batch·heads, queries, keys]), which the taps do not split. Attention maps are unavailable for this model.`,
    );
  }
  return { data: tensor.data, dims: tensor.dims };
}
