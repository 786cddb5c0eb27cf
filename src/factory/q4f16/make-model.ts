// The synthetic llava in the q4f16 layout of the Hub's browser exports: 4-bit MatMulNBits weights with float16
// scales, float16 activations inside every graph, float32 at the graph boundary (onnx/*_q4f16.onnx).
import { makeLlavaModel } from '../llava/make-model';
import { toFloat16Inside } from '../onnx/float16';

const KV_CACHE = /^(past_key_values|present)\./;

/** `halfKv`: the decoder's KV cache crosses the graph boundary in float16, as in some Hub q4f16 exports. */
export function makeQ4f16LlavaModel({ seed = 42, halfKv = false }: { seed?: number; halfKv?: boolean } = {}): Map<
  string,
  Uint8Array
> {
  const q4 = makeLlavaModel({ size: 'tiny', dtype: 'q4', seed });
  const files = new Map<string, Uint8Array>();
  for (const [path, bytes] of q4.files) {
    const graph = /^onnx\/(.+)_q4\.onnx$/.exec(path);
    if (graph)
      files.set(
        `onnx/${graph[1]}_q4f16.onnx`,
        toFloat16Inside(bytes, (name) => halfKv && KV_CACHE.test(name)),
      );
    else if (path === 'config.json') {
      const config = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
      files.set(
        path,
        new TextEncoder().encode(
          `${JSON.stringify({ ...config, 'transformers.js_config': { dtype: 'q4f16' } }, null, 2)}\n`,
        ),
      );
    } else files.set(path, bytes);
  }
  return files;
}
