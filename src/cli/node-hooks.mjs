// Lets Node load src/engine/runtime/ort.ts, whose `?url` import of the wasm only means something to Vite; in
// Node ORT finds its wasm itself, so such imports resolve to an empty string.
import { register } from 'node:module';

const resolveUrlImports = `export async function resolve(specifier, context, next) {
  return specifier.endsWith('?url') ? { url: 'data:text/javascript,export default ""', shortCircuit: true } : next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(resolveUrlImports)}`);
