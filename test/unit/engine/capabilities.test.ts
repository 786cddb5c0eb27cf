import { describe, expect, it } from 'vitest';
import { probeCapabilities } from '../../../src/engine/runtime/capabilities';

const base = { crossOriginIsolated: true, ortVersion: '1', transformersVersion: '2' };

function fakeGpu(adapter: Partial<GPUAdapter> | null | Error): GPU {
  return {
    requestAdapter: async () => {
      if (adapter instanceof Error) throw adapter;
      return adapter as GPUAdapter | null;
    },
  } as unknown as GPU;
}

describe('probeCapabilities', () => {
  it('uses WebGPU and names the adapter when one exists', async () => {
    const adapter = {
      info: {
        vendor: 'google',
        architecture: 'swiftshader',
        description: 'SwiftShader device',
        device: '',
        subgroupMinSize: 4,
        subgroupMaxSize: 4,
        isFallbackAdapter: false,
      } as unknown as GPUAdapterInfo,
      features: new Set(['subgroups']) as unknown as GPUSupportedFeatures,
      limits: { maxBufferSize: 2 ** 30 } as GPUSupportedLimits,
    };
    const caps = await probeCapabilities({ ...base, gpu: fakeGpu(adapter) });
    expect(caps).toEqual({
      ...base,
      backend: 'webgpu',
      adapter: {
        vendor: 'google',
        architecture: 'swiftshader',
        description: 'SwiftShader device',
        shaderF16: false,
        maxBufferSize: 2 ** 30,
      },
    });
  });

  it.each([
    ['no navigator.gpu', undefined, /no WebGPU/],
    ['no adapter', fakeGpu(null), /no adapter is available/],
    ['a throwing requestAdapter', fakeGpu(new Error('denied')), /denied/],
  ])('falls back to WASM with a reason for %s', async (_label, gpu, reason) => {
    const caps = await probeCapabilities({ ...base, gpu });
    expect(caps.backend).toBe('wasm');
    expect(caps.adapter).toBeUndefined();
    expect(caps.fallbackReason).toMatch(reason);
  });
});
