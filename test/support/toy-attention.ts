// A toy stack of single-head attention blocks, x [1, 1, 3, 4] → logits (named as a decoder's output, so the
// decoder tap finds it), named like an exporter's scopes, for
// site-finder and opset tests that need a graph smaller than the factory's. `foldedHeads` drops the heads
// axis (x [1, 3, 4]), as torch.bmm-style attention exports [batch·heads, T, T] probabilities.
import { GraphBuilder, type Opset } from '../../src/factory/onnx/graph-builder';
import { DataType } from '../../src/factory/onnx/schema';

export interface ToyOptions {
  readonly extra?: (g: GraphBuilder, x: string) => string;
  readonly opsets?: readonly Opset[];
  readonly foldedHeads?: boolean;
}

function attentionBlock(g: GraphBuilder, scope: string, x: string, layer: number, perm: number[]): string {
  const w = (name: string, salt: number) =>
    g.initializer(
      `${scope}.${name}`,
      Float32Array.from({ length: 16 }, (_, i) => Math.sin(i * 0.7 + salt + layer)),
      [4, 4],
    );
  const q = g.op(`${scope}/q_proj`, 'MatMul', [x, w('q', 1)]);
  const k = g.op(`${scope}/k_proj`, 'MatMul', [x, w('k', 2)]);
  const v = g.op(`${scope}/v_proj`, 'MatMul', [x, w('v', 3)]);
  const probs = g.op(
    scope,
    'Softmax',
    [g.op(scope, 'MatMul', [q, g.op(scope, 'Transpose', [k], { perm: { ints: perm } })])],
    { axis: { i: -1 } },
  );
  return g.op(scope, 'MatMul', [probs, v]);
}

export function toyAttentionModel(scopes: readonly string[], options: ToyOptions = {}): Uint8Array {
  const shape = options.foldedHeads ? [1, 3, 4] : [1, 1, 3, 4];
  const perm = options.foldedHeads ? [0, 2, 1] : [0, 1, 3, 2];
  const g = new GraphBuilder('toy');
  let x = g.input('x', DataType.FLOAT, shape);
  scopes.forEach((scope, l) => (x = attentionBlock(g, scope, x, l, perm)));
  if (options.extra) x = options.extra(g, x);
  g.node('', 'Identity', [x], { outputNames: ['logits'] });
  g.output('logits', DataType.FLOAT, shape);
  return g.encode(options.opsets);
}
