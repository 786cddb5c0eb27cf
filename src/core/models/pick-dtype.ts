// Which weights to download for a device. fp16 and q4f16 graphs compute in half precision, which WebGPU runs only
// with the adapter feature 'shader-f16' (transformers.js refuses fp16 without it and q4f16 fails inside ORT,
// src/engine/browser-stack.md §1.1); WASM runs them on the CPU, but slowly, so there the 4-bit fp32 graphs come first.
import { LensError } from '../../protocol/errors';
import type { Backend, Dtype } from '../../protocol/messages';

export interface DeviceFeatures {
  readonly backend: Backend;
  /** WebGPU adapter feature 'shader-f16'; irrelevant on WASM. */
  readonly shaderF16: boolean;
}

const HALF: ReadonlySet<Dtype> = new Set(['fp16', 'q4f16']);

/** Smallest download first, for each kind of device. */
const PREFERENCE: Record<'webgpu-f16' | 'webgpu' | 'wasm', readonly Dtype[]> = {
  'webgpu-f16': ['q4f16', 'q4', 'fp16', 'fp32'],
  // Half precision last: without shader-f16 it runs on the CPU instead (backendFor).
  webgpu: ['q4', 'fp32', 'q4f16', 'fp16'],
  wasm: ['q4', 'fp32', 'q4f16', 'fp16'],
};

const deviceKind = (device: DeviceFeatures) =>
  device.backend === 'wasm' ? 'wasm' : device.shaderF16 ? 'webgpu-f16' : 'webgpu';

/** Whether the device's own backend runs a dtype; where it does not, the model runs on WASM instead. */
export function dtypeRuns(dtype: Dtype, device: DeviceFeatures): boolean {
  return !(device.backend === 'webgpu' && !device.shaderF16 && HALF.has(dtype));
}

/**
 * The backend a model in this dtype runs on: WebGPU where it can, else WASM. Half-precision weights on an adapter
 * without shader-f16 run on the CPU rather than fail inside ORT.
 */
export function backendFor(dtype: Dtype, device: DeviceFeatures): Backend {
  return dtypeRuns(dtype, device) ? device.backend : 'wasm';
}

/** The preferred dtype among those a model is exported in, with the reason in words. */
export function pickDtype(available: readonly Dtype[], device: DeviceFeatures): { dtype: Dtype; reason: string } {
  const kind = deviceKind(device);
  const dtype = PREFERENCE[kind].find((d) => available.includes(d));
  if (!dtype)
    throw new LensError(
      'unsupported-model',
      `This model lists no dtype DAMRO Lens can load (it offers: ${available.join(', ') || 'none'}).`,
    );
  const reason =
    kind === 'webgpu-f16'
      ? 'this GPU supports shader-f16, so half-precision weights are used'
      : kind === 'wasm'
        ? 'running on the CPU (WASM), where 4-bit fp32 weights are fastest'
        : dtypeRuns(dtype, device)
          ? 'this GPU lacks shader-f16, so fp16/q4f16 weights cannot run on it; using fp32 compute'
          : 'this GPU lacks shader-f16 and the model comes only in half precision, so it runs on the CPU (WASM)';
  return { dtype, reason };
}
