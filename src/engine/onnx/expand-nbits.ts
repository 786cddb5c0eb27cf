// Rewrites com.microsoft MatMulNBits nodes as plain MatMul over fp32 weights, for the CPU (wasm) backend.
// ONNX Runtime's wasm build has no blocked n-bit GEMM kernel: every MatMulNBits call expands its whole weight to
// fp32 and then multiplies, so a one-token decoder step pays for dequantising every weight of the model every step
// (measured: about 10× a plain MatMul on the same weights; the README's benchmark section has the numbers). A MatMul
// over a constant fp32 initializer is packed once when the session is created. The expanded weights hold exactly the
// values the kernel computes, (q − zero point) · scale, so the graph's results are unchanged up to summation order.
// The price is memory: 4 bytes per weight instead of about half a byte, so expansion has a budget. The expanded
// weights go to ORT as one external-data file rather than inside the model bytes: ORT copies model bytes into its heap
// before it builds the initializers, so inline weights would be held twice there.
import { cacheBranchIfNode, readCacheBranchIf } from './if-node';
import type { ExternalFile } from './initializer-data';
import { initializerRawBytes } from './initializer-data';
import type { ScannedInitializer, ScannedModel, ScannedNode } from './scan';
import { encodeNode } from './splice';
import { rewriteGraph } from './rewrite';
import { WireWriter } from './wire';

/** fp32 bytes of expanded weights a model may gain: the wasm heap is 4 GiB, shared with activations and the cache. */
export const CPU_EXPANSION_BUDGET_BYTES = 1024 ** 3;

const GRAPH_INITIALIZER = 5;
const TENSOR = { dims: 1, dataType: 2, name: 8, externalData: 13, dataLocation: 14 } as const;
const ENTRY = { key: 1, value: 2 } as const;
const EXTERNAL = 1;
const WEIGHTS_FILE = 'cpu-expanded-weights.bin';
const FLOAT = 1;
const FLOAT16 = 10;
const UINT8 = 2;
const MS_DOMAIN = 'com.microsoft';

export interface NBitsExpansion {
  /** The rewritten model, or the input itself when nothing was expanded. */
  readonly bytes: Uint8Array;
  /** The fp32 weights the rewritten model reads as external data; absent when nothing was expanded. */
  readonly weightsFile?: ExternalFile;
  readonly expandedNodes: number;
  /** Bytes the weights grew by: the fp32 file less the packed weights, scales and zero points the model dropped. */
  readonly addedBytes: number;
  /** Why MatMulNBits nodes were left as they are (none, when every node was expanded). */
  readonly kept: readonly string[];
}

interface Plan {
  readonly node: ScannedNode;
  readonly k: number;
  readonly n: number;
  readonly bits: number;
  readonly blockSize: number;
  readonly weights: ScannedInitializer;
  readonly scales: ScannedInitializer;
  readonly zeroPoints?: ScannedInitializer;
}

const isNBits = (node: ScannedNode): boolean => node.opType === 'MatMulNBits' && node.domain === MS_DOMAIN;

const attr = (node: ScannedNode, name: string): number | undefined => node.attributes.find((a) => a.name === name)?.i;

/** The node's expansion, or why it stays: only the layouts whose decoding is pinned down here are rewritten. */
function planNode(node: ScannedNode, initializers: ReadonlyMap<string, ScannedInitializer>): Plan | string {
  const [, b, s, zp, gIdx, bias] = node.inputs;
  const k = attr(node, 'K');
  const n = attr(node, 'N');
  const bits = attr(node, 'bits') ?? 4;
  const blockSize = attr(node, 'block_size');
  if (!k || !n || !blockSize) return 'no K, N or block_size attribute';
  if (bits !== 4 && bits !== 8) return `${bits}-bit weights`;
  if (gIdx || bias) return `a ${gIdx ? 'g_idx' : 'bias'} input`;
  const weights = initializers.get(b ?? '');
  const scales = initializers.get(s ?? '');
  const zeroPoints = zp ? initializers.get(zp) : undefined;
  if (!weights || !scales || (zp && !zeroPoints)) return 'weights that are not initializers';
  if (weights.dataType !== UINT8) return `weights packed as ONNX type ${weights.dataType}`;
  if (scales.dataType !== FLOAT)
    return scales.dataType === FLOAT16 ? 'fp16 scales (a q4f16 model)' : `ONNX type ${scales.dataType} scales`;
  if (zeroPoints && zeroPoints.dataType !== UINT8) return 'unpacked zero points';
  return { node, k, n, bits, blockSize, weights, scales, zeroPoints };
}

/** Nodes left packed, grouped by reason so that a q4f16 decoder's hundreds of nodes make one line. */
class KeptNodes {
  private readonly byReason = new Map<string, string[]>();

  add(reason: string, node: ScannedNode): void {
    const nodes = this.byReason.get(reason);
    if (nodes) nodes.push(node.name);
    else this.byReason.set(reason, [node.name]);
  }

  list(): string[] {
    return [...this.byReason].map(
      ([reason, [first, ...more]]) =>
        `${reason}: ${more.length + 1} n-bit MatMul${more.length ? 's' : ''} ('${first!}'${more.length ? ', …' : ''})`,
    );
  }
}

const fp32Bytes = (plan: Plan): number => plan.k * plan.n * 4;

// Columns are expanded a tile at a time so that the [K, N] output is written row by row rather than with a stride of N
// floats (49k for a vocabulary head), while the tile's packed rows stay in cache.
const COLUMN_TILE = 64;

/** W[k, n] = (q[n, k] − zero[n, block]) · scale[n, block], written [K, N] row-major as MatMul reads it. */
function dequantize(plan: ReadyPlan, out: Float32Array): void {
  const { quantized, scaleBytes, zeroBytes } = plan;
  const { k: K, n: N, bits, blockSize } = plan;
  const blocks = Math.ceil(K / blockSize);
  const rowBytes = (blocks * blockSize * bits) / 8;
  const zeroRowBytes = Math.ceil((blocks * bits) / 8);
  const mask = (1 << bits) - 1;
  // Copied, since a raw_data view need not be 4-byte aligned.
  const scales = new Float32Array(scaleBytes.byteLength / 4);
  new Uint8Array(scales.buffer).set(scaleBytes);
  // Each (column, block)'s zero point, unpacked once rather than per weight.
  const zeros = new Uint8Array(N * blocks);
  for (let col = 0; col < N; col++)
    for (let block = 0; block < blocks; block++) {
      const bit = block * bits;
      const zero = zeroBytes ? (zeroBytes[col * zeroRowBytes + (bit >> 3)]! >> (bit & 7)) & mask : 1 << (bits - 1);
      zeros[col * blocks + block] = zero;
    }
  for (let tile = 0; tile < N; tile += COLUMN_TILE) {
    const tileEnd = Math.min(N, tile + COLUMN_TILE);
    for (let k = 0; k < K; k++) {
      const block = Math.floor(k / blockSize);
      const bit = k * bits;
      const byteInRow = bit >> 3;
      const shift = bit & 7;
      const row = k * N;
      for (let col = tile; col < tileEnd; col++) {
        const q = (quantized[col * rowBytes + byteInRow]! >> shift) & mask;
        const at = col * blocks + block;
        out[row + col] = (q - zeros[at]!) * scales[at]!;
      }
    }
  }
}

interface ReadyPlan extends Plan {
  readonly quantized: Uint8Array;
  readonly scaleBytes: Uint8Array;
  readonly zeroBytes?: Uint8Array;
}

function readPlanData(bytes: Uint8Array, plan: Plan, external: readonly ExternalFile[]): ReadyPlan | string {
  const blocks = Math.ceil(plan.k / plan.blockSize);
  const expected = {
    quantized: (plan.n * blocks * plan.blockSize * plan.bits) / 8,
    scales: plan.n * blocks * 4,
    zeros: plan.n * Math.ceil((blocks * plan.bits) / 8),
  };
  const quantized = initializerRawBytes(bytes, plan.weights, external, expected.quantized);
  const scaleBytes = initializerRawBytes(bytes, plan.scales, external, expected.scales);
  const zeroBytes = plan.zeroPoints && initializerRawBytes(bytes, plan.zeroPoints, external, expected.zeros);
  const sized = (data: Uint8Array | undefined, length: number) => data?.byteLength === length;
  if (
    !sized(quantized, expected.quantized) ||
    !sized(scaleBytes, expected.scales) ||
    (plan.zeroPoints && !sized(zeroBytes, expected.zeros))
  )
    return `weights, scales or zero points of another size than K=${plan.k}, N=${plan.n} need`;
  return { ...plan, quantized: quantized!, scaleBytes: scaleBytes!, ...(zeroBytes && { zeroBytes }) };
}

/** An fp32 [K, N] initializer whose values lie at `offset` in the weights file. */
function externalTensor(name: string, dims: readonly number[], location: string, offset: number, length: number) {
  const w = new WireWriter();
  for (const d of dims) w.varintField(TENSOR.dims, d);
  w.varintField(TENSOR.dataType, FLOAT).stringField(TENSOR.name, name);
  for (const [key, value] of [
    ['location', location],
    ['offset', String(offset)],
    ['length', String(length)],
  ])
    w.messageField(TENSOR.externalData, (entry) => entry.stringField(ENTRY.key, key).stringField(ENTRY.value, value));
  w.varintField(TENSOR.dataLocation, EXTERNAL);
  return w.finish();
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/**
 * The model with the MatMulNBits nodes of its main graph rewritten as MatMul over fp32 weights. All or nothing: over
 * the budget, or in a graph with subgraphs (an If-merged decoder keeps its nodes in branches), nothing changes and
 * `kept` says why. Nodes whose layout is not handled here stay packed, also listed in `kept`.
 */
export function expandNBitsMatMuls(
  bytes: Uint8Array,
  model: ScannedModel,
  external: readonly ExternalFile[] = [],
  budgetBytes: number = CPU_EXPANSION_BUDGET_BYTES,
): NBitsExpansion {
  const { graph } = model;
  const unchanged = (kept: readonly string[]): NBitsExpansion => ({ bytes, expandedNodes: 0, addedBytes: 0, kept });
  const merged = cacheBranchIfNode(model);
  if (merged) {
    const packed = readCacheBranchIf(bytes, model, merged).branches.some((b) => b.graph.nodes.some(isNBits));
    return unchanged(
      packed
        ? ['the decoder is If-merged (its two branches share the weights), which this rewrite does not enter']
        : [],
    );
  }
  const candidates = graph.nodes.filter(isNBits);
  if (candidates.length === 0) return unchanged([]);
  if (graph.nodes.some((node) => node.attributes.some((a) => a.hasGraph)))
    return unchanged(['the graph keeps nodes in subgraphs, which this rewrite does not enter']);

  const initializers = new Map(graph.initializers.map((init) => [init.name, init]));
  const plans: Plan[] = [];
  const kept = new KeptNodes();
  for (const node of candidates) {
    const plan = planNode(node, initializers);
    if (typeof plan === 'string') kept.add(plan, node);
    else plans.push(plan);
  }
  const total = plans.reduce((sum, plan) => sum + fp32Bytes(plan), 0);
  if (total > budgetBytes)
    return unchanged([
      `the ${plans.length} n-bit MatMuls would take ${(total / 2 ** 20).toFixed(0)} MiB as fp32, over the ${(budgetBytes / 2 ** 20).toFixed(0)} MiB allowed`,
    ]);

  const ready: ReadyPlan[] = [];
  for (const plan of plans) {
    const read = readPlanData(bytes, plan, external);
    if (typeof read === 'string') kept.add(read, plan.node);
    else ready.push(read);
  }
  if (ready.length === 0) return unchanged(kept.list());
  const location = uniqueName(WEIGHTS_FILE, new Set(external.map((file) => file.path)));
  const { model: rewritten, weights } = rewrite(bytes, model, ready, location);
  return {
    bytes: rewritten,
    weightsFile: { path: location, data: new Uint8Array(weights.buffer) },
    expandedNodes: ready.length,
    addedBytes: weights.byteLength + rewritten.length - bytes.length,
    kept: kept.list(),
  };
}

/**
 * The model with each planned node swapped for a MatMul, the packed tensors no other node reads dropped, and an
 * external fp32 initializer per node appended; and the weights file they point into.
 */
function rewrite(
  bytes: Uint8Array,
  model: ScannedModel,
  ready: readonly ReadyPlan[],
  location: string,
): { model: Uint8Array; weights: Float32Array } {
  const { graph } = model;
  const rewritten = new Set(ready.map((plan) => plan.node.index));
  const stillRead = new Set(graph.nodes.filter((node) => !rewritten.has(node.index)).flatMap((node) => node.inputs));
  const dropped = new Set(
    ready
      .flatMap((plan) => [plan.weights, plan.scales, plan.zeroPoints])
      .filter((init): init is ScannedInitializer => !!init && !stillRead.has(init.name))
      // A graph input or output of the same name (IR < 4 lists initializers as inputs) still needs it.
      .filter((init) => !graph.inputs.includes(init.name) && !graph.outputs.includes(init.name))
      .map((init) => init.span.start),
  );
  const taken = new Set([...graph.initializers.map((i) => i.name), ...graph.nodes.flatMap((node) => node.outputs)]);
  const weights = new Float32Array(ready.reduce((sum, plan) => sum + plan.k * plan.n, 0));
  const nodes = new Map<number, () => Uint8Array[]>();
  const initializers = new WireWriter();
  let offset = 0;
  for (const plan of ready) {
    const name = uniqueName(`${plan.weights.name}_fp32`, taken);
    const count = plan.k * plan.n;
    dequantize(plan, weights.subarray(offset, offset + count));
    const inputs = [plan.node.inputs[0]!, name];
    const matMul = encodeNode({ name: plan.node.name, opType: 'MatMul', inputs, outputs: plan.node.outputs });
    nodes.set(plan.node.index, () => [matMul]);
    initializers.bytesField(GRAPH_INITIALIZER, externalTensor(name, [plan.k, plan.n], location, offset * 4, count * 4));
    offset += count;
  }

  const out = rewriteGraph(bytes, model, { nodes, dropInitializers: dropped, append: initializers.finish() });
  return { model: out, weights };
}
