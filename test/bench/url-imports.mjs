// Node cannot import Vite's `?url` assets (src/engine/runtime/ort.ts imports the wasm URL for browsers). Under
// Node that URL is unused, so benches that load ORT resolve such imports to an empty string.
import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier.endsWith('?url')) return { url: 'data:text/javascript,export default ""', shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
