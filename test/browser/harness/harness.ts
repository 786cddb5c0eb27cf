// Test-only page: runs an ONNX model through the site's one ORT module on a chosen execution provider, so a
// Chromium test can compare WebGPU outputs with Node's. Built by test/browser/serve-dist.ts, never shipped.
import { ort } from '../../../src/engine/runtime/ort';

export interface HarnessTensor {
  type: 'float32' | 'int64';
  dims: number[];
  /** Values as numbers (int64 converted). */
  data: number[];
}

export interface HarnessResult {
  outputs: Record<string, { dims: number[]; data: number[] }>;
  /** What the session was created with, for the assertion messages. */
  executionProvider: string;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function toTensor(t: HarnessTensor): InstanceType<typeof ort.Tensor> {
  return t.type === 'int64'
    ? new ort.Tensor('int64', BigInt64Array.from(t.data.map(BigInt)), t.dims)
    : new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
}

/** verbose: ORT logs its node placement to the console (how a test proves which EP ran which node). */
async function runOnnx(
  modelBase64: string,
  feeds: Record<string, HarnessTensor>,
  executionProvider: 'webgpu' | 'wasm',
  verbose = false,
): Promise<HarnessResult> {
  const session = await ort.InferenceSession.create(decodeBase64(modelBase64), {
    executionProviders: [executionProvider],
    logSeverityLevel: verbose ? 0 : 3,
  });
  const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, toTensor(t)])));
  const outputs = Object.fromEntries(
    Object.entries(out).map(([name, t]) => [name, { dims: [...t.dims], data: Array.from(t.data as Float32Array) }]),
  );
  await session.release();
  return { outputs, executionProvider };
}

(window as unknown as { runOnnx: typeof runOnnx }).runOnnx = runOnnx;
document.body.dataset.ready = 'true';
