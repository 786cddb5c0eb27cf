// The one place a tapped model becomes an ORT session. On WebGPU the outputs fed back into the next call (the
// KV cache) stay in GPU buffers, while the tap outputs are read back to the CPU, small by construction.
import { ort } from './ort';

export type TapDevice = 'webgpu' | 'wasm';

export interface TappedSessionOptions {
  readonly device: TapDevice;
  /** Outputs the next call consumes (present.*): left on the GPU under WebGPU. */
  readonly keepOnDevice?: readonly string[];
  /** Weight files the .onnx references (external data), by the path written in the model. */
  readonly externalData?: readonly { readonly path: string; readonly data: Uint8Array }[];
}

export function tappedSessionConfig(tapOutputs: readonly string[], options: TappedSessionOptions): ort.InferenceSession.SessionOptions {
  const config: ort.InferenceSession.SessionOptions = { executionProviders: [options.device] };
  if (options.externalData) config.externalData = options.externalData.map(({ path, data }) => ({ path, data }));
  if (options.device === 'webgpu') {
    const location: Record<string, ort.Tensor.DataLocation> = {};
    for (const name of options.keepOnDevice ?? []) location[name] = 'gpu-buffer';
    for (const name of tapOutputs) location[name] = 'cpu';
    config.preferredOutputLocation = location;
  }
  return config;
}

export function createTappedSession(bytes: Uint8Array, tapOutputs: readonly string[], options: TappedSessionOptions): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, tappedSessionConfig(tapOutputs, options));
}
