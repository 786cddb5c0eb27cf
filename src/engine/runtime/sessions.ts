import { LensError } from '../../protocol/errors';
import type { Backend } from '../../protocol/messages';
import { ort } from './ort';

export type OrtSession = ort.InferenceSession;
export type OrtTensor = ort.Tensor;

export interface SessionOptions {
  readonly backend: Backend;
  /** Outputs that stay on the GPU between runs (the KV cache); everything else comes back to the CPU. */
  readonly gpuOutputs?: readonly string[];
  /** External-data files (`*.onnx_data`) by the name the graph refers to them. */
  readonly externalData?: ReadonlyArray<{ path: string; data: Uint8Array }>;
}

/** Maps ORT's failures at session creation to errors a person can act on. */
function explain(error: unknown, label: string): LensError {
  const text = error instanceof Error ? error.message : String(error);
  if (/out of memory|Cannot allocate|OOM|Array buffer allocation failed/i.test(text)) {
    return new LensError('out-of-memory', `Loading ${label} ran out of memory (${text}). Close other tabs, or pick a smaller model or a more compressed dtype (q4).`);
  }
  if (/device (was )?lost/i.test(text)) return new LensError('device-lost', `The GPU device was lost while loading ${label}. Reload the page; if it repeats, switch to the WASM backend.`);
  return new LensError('unsupported-model', `ONNX Runtime could not load ${label}: ${text}`);
}

export async function createSession(bytes: Uint8Array, label: string, options: SessionOptions): Promise<OrtSession> {
  const preferred: Record<string, 'gpu-buffer'> = {};
  if (options.backend === 'webgpu') for (const name of options.gpuOutputs ?? []) preferred[name] = 'gpu-buffer';
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: [options.backend],
      graphOptimizationLevel: 'all',
      // ORT warns on every WebGPU session that shape ops run on the CPU, which is by design; keep errors only.
      logSeverityLevel: 3,
      preferredOutputLocation: Object.keys(preferred).length ? preferred : undefined,
      externalData: options.externalData?.map(({ path, data }) => ({ path, data })),
    });
  } catch (error) {
    throw explain(error, label);
  }
}

export function tensor(type: 'float32', data: Float32Array, dims: readonly number[]): OrtTensor;
export function tensor(type: 'int64', data: BigInt64Array, dims: readonly number[]): OrtTensor;
export function tensor(type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]): OrtTensor {
  return new ort.Tensor(type, data, dims);
}
