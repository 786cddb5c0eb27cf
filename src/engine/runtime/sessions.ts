// The one place a (possibly tapped) model file becomes an ORT session. On WebGPU the outputs fed back into the
// next call (the KV cache) stay in GPU buffers; everything else, taps and logits included, comes to the CPU.
import { explainOrtError } from './ort-errors';
import type { Backend } from '../../protocol/messages';
import { ort } from './ort';

export type OrtSession = ort.InferenceSession;
export type OrtTensor = ort.Tensor;

export interface SessionOptions {
  readonly backend: Backend;
  /** Outputs the next call consumes (present.*): left on the GPU under WebGPU. */
  readonly gpuOutputs?: readonly string[];
  /** Weight files the .onnx references (external data), by the path written in the model. */
  readonly externalData?: ReadonlyArray<{ readonly path: string; readonly data: Uint8Array }>;
}

export function sessionConfig(options: SessionOptions): ort.InferenceSession.SessionOptions {
  const config: ort.InferenceSession.SessionOptions = {
    executionProviders: [options.backend],
    graphOptimizationLevel: 'all',
    // ORT warns on every WebGPU session that shape ops run on the CPU, which is by design; keep errors only.
    logSeverityLevel: 3,
  };
  if (options.externalData) config.externalData = options.externalData.map(({ path, data }) => ({ path, data }));
  if (options.backend === 'webgpu' && options.gpuOutputs?.length) {
    config.preferredOutputLocation = Object.fromEntries(
      options.gpuOutputs.map((name) => [name, 'gpu-buffer' as const]),
    );
  }
  return config;
}

export async function createSession(bytes: Uint8Array, label: string, options: SessionOptions): Promise<OrtSession> {
  try {
    return await ort.InferenceSession.create(bytes, sessionConfig(options));
  } catch (error) {
    throw explainOrtError(error, `loading ${label}`);
  }
}

/**
 * Creates the sessions one after another, all or none: when one fails (out of memory on the decoder, say), the
 * ones already created are released before the error goes on, so a failed load holds no memory. `check` runs on
 * the whole set and releases it the same way when it throws.
 */
export async function createSessions<K extends string>(
  factories: Readonly<Record<K, () => Promise<OrtSession>>>,
  check: (sessions: Readonly<Record<K, OrtSession>>) => void,
): Promise<Record<K, OrtSession>> {
  const created = new Map<K, OrtSession>();
  try {
    for (const key of Object.keys(factories) as K[]) created.set(key, await factories[key]());
    const sessions = Object.fromEntries(created) as Record<K, OrtSession>;
    check(sessions);
    return sessions;
  } catch (error) {
    await Promise.allSettled([...created.values()].map((session) => session.release()));
    throw error;
  }
}

export function tensor(type: 'float32', data: Float32Array, dims: readonly number[]): OrtTensor;
export function tensor(type: 'int64', data: BigInt64Array, dims: readonly number[]): OrtTensor;
export function tensor(type: 'bool', data: Uint8Array, dims: readonly number[]): OrtTensor;
export function tensor(
  type: 'float32' | 'int64' | 'bool',
  data: Float32Array | BigInt64Array | Uint8Array,
  dims: readonly number[],
): OrtTensor {
  return new ort.Tensor(type, data, dims);
}
