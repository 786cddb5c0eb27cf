// The only module that imports onnxruntime-web. transformers.js imports the same 'onnxruntime-web/webgpu'
// entry, so the bundler resolves both to one copy (one wasm heap, one GPUDevice, shared GPU buffers).
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

// Set before transformers.js evaluates: it only installs its CDN default when wasmPaths is empty,
// and it reuses an ORT instance registered under this symbol instead of importing its own.
ort.env.wasm.wasmPaths = { wasm: wasmUrl };
(globalThis as Record<symbol, unknown>)[Symbol.for('onnxruntime')] = ort;

export { ort };
export const ortVersion: string = ort.env.versions.web ?? 'unknown';
