// Types of '#onnxruntime-web' (package.json "imports"), the entry ort.ts loads: both of its targets (the
// webgpu bundle in browsers, the Node build under Node) share onnxruntime-web's API.
// eslint-disable-next-line no-restricted-imports -- the type-only twin of ort.ts's import
export * from 'onnxruntime-web/webgpu';
