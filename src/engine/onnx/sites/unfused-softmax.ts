// Attention written out as ops, as the torch exporter emits eager attention:
//   probs = Softmax(Q·Kᵀ [· scale] [+ mask]),  context = MatMul(probs, V).
// Q and K are traced back through reshapes, transposes and constant scalings to the linear layers that made
// them (or to their part of a packed q|k|v projection), which is where DAMRO reads its raw q_proj / k_proj rows.
import type { GraphIndex } from '../graph-index';
import type { ScannedNode } from '../scan';
import type { SiteCandidate, SiteStrategy } from './site';

const MATMUL = new Set(['MatMul', 'FusedMatMul']);
/** Ops between Q·Kᵀ and the Softmax: scaling, soft-capping (Gemma 2: cap · tanh(x / cap)), masking, casts. */
const SCORE_PATH = new Set(['Add', 'Sub', 'Mul', 'Div', 'Tanh', 'Where', 'Cast', 'Identity']);
/** Ops between the Softmax and the MatMul with V. */
const PROBS_PATH = new Set(['Cast', 'Identity', 'Dropout']);
/** Ops that only move or scale a projection's output on its way into Q·Kᵀ. */
const LAYOUT = new Set(['Transpose', 'Reshape', 'Squeeze', 'Unsqueeze', 'Identity', 'Cast']);
const LINEAR = new Set(['MatMul', 'MatMulNBits', 'Gemm', 'FusedMatMul', 'MatMulBnb4']);
// Scale, Div, Tanh, Mul, mask Add: Gemma 2's soft-capped scores are five ops from Q·Kᵀ.
const MAX_SCORE_DEPTH = 6;
const MAX_WALK = 12;

function scoresMatMul(index: GraphIndex, tensor: string, depth: number): ScannedNode | undefined {
  const node = index.producer(tensor);
  if (!node) return undefined;
  if (MATMUL.has(node.opType) && index.isActivation(node.inputs[0] ?? '') && index.isActivation(node.inputs[1] ?? ''))
    return node;
  if (!SCORE_PATH.has(node.opType) || depth >= MAX_SCORE_DEPTH) return undefined;
  for (const input of node.inputs) {
    if (!index.isActivation(input)) continue;
    const found = scoresMatMul(index, input, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function contextMatMul(index: GraphIndex, probs: string, depth = 0): ScannedNode | undefined {
  for (const consumer of index.consumers(probs)) {
    if (MATMUL.has(consumer.opType) && consumer.inputs[0] === probs && index.isActivation(consumer.inputs[1] ?? ''))
      return consumer;
    if (PROBS_PATH.has(consumer.opType) && depth < MAX_SCORE_DEPTH) {
      const found = contextMatMul(index, consumer.outputs[0]!, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

const isLinear = (index: GraphIndex, node: ScannedNode | undefined): boolean =>
  node !== undefined && LINEAR.has(node.opType) && index.isConstant(node.inputs[1] ?? '');

/** A linear layer's output, after its bias Add if it has one. */
const isProjectionOutput = (index: GraphIndex, tensor: string): boolean => {
  const node = index.producer(tensor);
  if (isLinear(index, node)) return true;
  const [a = '', b = ''] = node?.inputs ?? [];
  return (
    node?.opType === 'Add' &&
    ((index.isConstant(b) && isLinear(index, index.producer(a))) ||
      (index.isConstant(a) && isLinear(index, index.producer(b))))
  );
};

/**
 * Packed QKV: one projection makes q|k|v and a Split on the last axis hands out the parts, so each part is that
 * projection's q (or k) output exactly. Splits on another axis, or of anything but a projection, are not.
 */
const isPackedPart = (index: GraphIndex, node: ScannedNode): boolean => {
  if (node.opType !== 'Split' || node.domain !== '') return false;
  const axis = node.attributes.find((a) => a.name === 'axis')?.i ?? 0;
  return (axis === -1 || axis === 2) && isProjectionOutput(index, node.inputs[0] ?? '');
};

/** The linear layer output (after its bias Add) that `tensor` is a reshaped / scaled view of. */
function projection(index: GraphIndex, tensor: string): string | undefined {
  let current = tensor;
  for (let step = 0; step < MAX_WALK; step++) {
    const node = index.producer(current);
    if (!node) return undefined;
    if (isProjectionOutput(index, current) || isPackedPart(index, node)) return current;
    const [a = '', b = ''] = node.inputs;
    if (LAYOUT.has(node.opType)) current = a;
    else if ((node.opType === 'Mul' || node.opType === 'Div') && index.isConstant(b)) current = a;
    else if (node.opType === 'Mul' && index.isConstant(a)) current = b;
    else return undefined;
  }
  return undefined;
}

const isResidualAdd = (index: GraphIndex, node: ScannedNode): boolean =>
  node.opType === 'Add' && node.inputs.length === 2 && node.inputs.every((input) => index.isActivation(input));

/** Follows the attention output through out_proj to the residual Add, then to the block's second residual Add. */
export function layerOutput(index: GraphIndex, context: ScannedNode): string | undefined {
  let current = context.outputs[0]!;
  let residual: string | undefined;
  for (let step = 0; step < MAX_WALK && !residual; step++) {
    const next = index.consumers(current);
    if (next.length !== 1) return undefined;
    const node = next[0]!;
    if (isResidualAdd(index, node)) residual = node.outputs[0];
    else if (
      LAYOUT.has(node.opType) ||
      isLinear(index, node) ||
      (node.opType === 'Add' && node.inputs.some((i) => index.isConstant(i)))
    )
      current = node.outputs[0]!;
    else return undefined;
  }
  if (!residual) return undefined;
  const second = index.consumers(residual).filter((node) => isResidualAdd(index, node));
  return second.length === 1 ? second[0]!.outputs[0] : undefined;
}

export const unfusedSoftmax: SiteStrategy = {
  handles: [],
  find(index) {
    const sites: SiteCandidate[] = [];
    for (const node of index.graph.nodes) {
      if (node.opType !== 'Softmax' || node.domain !== '') continue;
      const axis = node.attributes.find((a) => a.name === 'axis')?.i;
      if (axis !== undefined && axis !== -1 && axis !== 3) continue;
      const probs = node.outputs[0]!;
      const scores = scoresMatMul(index, node.inputs[0]!, 0);
      const context = contextMatMul(index, probs);
      if (!scores || !context) continue;
      sites.push({
        strategy: 'unfused-softmax',
        node,
        probs,
        queryProjection: projection(index, scores.inputs[0]!),
        keyProjection: projection(index, scores.inputs[1]!),
        layerOutput: layerOutput(index, context),
      });
    }
    return sites;
  },
};
