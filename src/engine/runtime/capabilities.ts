import type { Capabilities, GpuAdapterSummary } from '../../protocol/messages';

export interface Environment {
  /** `navigator.gpu` where the host has one. */
  readonly gpu: GPU | undefined;
  readonly crossOriginIsolated: boolean;
  readonly ortVersion: string;
  readonly transformersVersion: string;
}

async function summarise(adapter: GPUAdapter): Promise<GpuAdapterSummary> {
  const info = adapter.info;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSize: adapter.limits.maxBufferSize,
  };
}

/** Picks WebGPU when an adapter exists, else WASM, and says why in the second case. */
export async function probeCapabilities(env: Environment): Promise<Capabilities> {
  const common = {
    crossOriginIsolated: env.crossOriginIsolated,
    ortVersion: env.ortVersion,
    transformersVersion: env.transformersVersion,
  };
  if (!env.gpu) {
    return {
      ...common,
      backend: 'wasm',
      fallbackReason:
        'This browser has no WebGPU (navigator.gpu is missing); models run on the CPU with WASM, which is slower. Chrome or Edge 113+ have WebGPU.',
    };
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await env.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return {
      ...common,
      backend: 'wasm',
      fallbackReason: `Requesting a WebGPU adapter failed (${String(error)}); models run on the CPU with WASM.`,
    };
  }
  if (!adapter) {
    return {
      ...common,
      backend: 'wasm',
      fallbackReason:
        'WebGPU is present but no adapter is available (often a blocklisted GPU driver); models run on the CPU with WASM.',
    };
  }
  return { ...common, backend: 'webgpu', adapter: await summarise(adapter) };
}
