// A synthetic llava whose decoder is a GroupQueryAttention graph (2 KV heads for 4 query heads): the layout of
// ORT-optimised / genai-built decoders, loadable by transformers.js's LlavaForConditionalGeneration.
import { makeLlavaModel } from '../llava/make-model';
import { buildGqaDecoderGraph } from './decoder-graph';

export const GQA_KV_HEADS = 2;

export function makeGqaLlavaModel({ seed = 42, qkOutput = false }: { seed?: number; qkOutput?: boolean } = {}): Map<string, Uint8Array> {
  const llava = makeLlavaModel({ size: 'tiny', dtype: 'fp32', seed });
  const files = new Map(llava.files);
  const config = JSON.parse(new TextDecoder().decode(files.get('config.json'))) as { text_config: Record<string, unknown> };
  config.text_config.num_key_value_heads = GQA_KV_HEADS;
  files.set('config.json', new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`));
  files.set('onnx/decoder_model_merged.onnx', buildGqaDecoderGraph(llava.weights, 'fp32', { kvHeads: GQA_KV_HEADS, qkOutput }));
  return files;
}
