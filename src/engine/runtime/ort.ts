// The only module that imports onnxruntime-web. transformers.js imports the same 'onnxruntime-web/webgpu'
// entry, so the bundler resolves both to one copy (one wasm heap, one GPUDevice, shared GPU buffers).
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

// Set before transformers.js evaluates: it only installs its CDN default when wasmPaths is empty.
// (Registering ORT under Symbol.for('onnxruntime') is not used: transformers.js then knows no devices and
// refuses every `device`; the bundler's dedupe already gives one copy, and the build test proves it.)
ort.env.wasm.wasmPaths = { wasm: wasmUrl };

export { ort };
export const ortVersion: string = ort.env.versions.web ?? 'unknown';
