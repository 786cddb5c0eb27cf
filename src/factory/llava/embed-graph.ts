// onnx/embed_tokens.onnx: input_ids [batch, seq] int64 → inputs_embeds [batch, seq, hidden]. A plain Gather;
// the Hub's q4 files keep it in fp32 as well, so both variants share this graph.
import { GraphBuilder } from '../onnx/graph-builder';
import { DataType } from '../onnx/schema';
import { EMBED_TENSORS } from './tensor-names';
import type { LlavaWeights } from './weights';

export function buildEmbedGraph(weights: LlavaWeights): Uint8Array {
  const t = weights.dims.text;
  const g = new GraphBuilder('main_graph');
  const ids = g.input(EMBED_TENSORS.input, DataType.INT64, ['batch_size', 'sequence_length']);
  const table = g.initializer('model.embed_tokens.weight', weights.text.embedTokens, [t.vocabSize, t.hidden]);
  g.node('/model/embed_tokens', 'Gather', [table, ids], { outputNames: [EMBED_TENSORS.output] });
  g.output(EMBED_TENSORS.output, DataType.FLOAT, ['batch_size', 'sequence_length', t.hidden]);
  return g.encode();
}
