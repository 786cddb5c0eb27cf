// The only module that imports onnxruntime-web. transformers.js imports the same 'onnxruntime-web/webgpu'
// entry, so the bundler resolves both to one copy (one wasm heap, one GPUDevice, shared GPU buffers).
// package.json maps '#onnxruntime-web' to that entry in browsers and to ORT's Node build (its wasm backend)
// under Node (vitest, tools), where the webgpu bundle cannot load.
import * as ort from '#onnxruntime-web';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

// In Node ORT loads the wasm next to its own module; the served URL exists only in a browser.
const inNode =
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

// Set before transformers.js evaluates: it only installs its CDN default when wasmPaths is empty.
// (Registering ORT under Symbol.for('onnxruntime') is not used: transformers.js then knows no devices and
// refuses every `device`; the bundler's dedupe already gives one copy, and the build test proves it.)
if (!inNode) ort.env.wasm.wasmPaths = { wasm: wasmUrl };

export { ort };
export const ortVersion: string = ort.env.versions.web ?? 'unknown';
