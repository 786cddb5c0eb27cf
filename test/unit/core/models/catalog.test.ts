import { describe, expect, it } from 'vitest';
import {
  ADAPTED_SCORE_NOTICE,
  catalogEntry,
  DEFAULT_REAL_MODEL,
  formatDownload,
  MODEL_CATALOG,
} from '../../../../src/core/models/catalog';
import { backendFor, dtypeRuns, pickDtype } from '../../../../src/core/models/pick-dtype';
import { OUTLIER_SCORERS } from '../../../../src/core/attention/outliers';

describe('the model catalogue', () => {
  it('lists the built-in demos first, then the Hub models known to fit, none of which has a CLS token', () => {
    expect(MODEL_CATALOG.map((m) => m.id)).toEqual([
      'synthetic-llava-tiny',
      'synthetic-smolvlm-tiny',
      'synthetic-llava-gqa-tiny',
      'synthetic-gemma3-tiny',
      'synthetic-paligemma-tiny',
      'synthetic-moondream-tiny',
      'synthetic-lfm2vl-tiny',
      'synthetic-qwen2vl-tiny',
      'synthetic-qwen25vl-tiny',
      'HuggingFaceTB/SmolVLM-256M-Instruct',
      'HuggingFaceTB/SmolVLM-500M-Instruct',
      'llava-hf/llava-interleave-qwen-0.5b-hf',
      'llava-hf/llava-onevision-qwen2-0.5b-ov-hf',
      'Xenova/moondream2',
    ]);
    for (const entry of MODEL_CATALOG.filter((m) => m.location === 'hub')) {
      expect(entry.hasCls).toBe(false);
      expect(entry.synthetic).toBe(false);
      // Every dtype offered has a size, and every size is for an offered dtype.
      expect(Object.keys(entry.download ?? {}).sort()).toEqual([...entry.dtypes].sort());
      expect(entry.sizesSource).toMatch(/Hub file listings of 2026-(11-28|12-06)/);
    }
  });

  it('makes SmolVLM-256M the default real model: the smallest download of all Hub models at q4f16', () => {
    expect(DEFAULT_REAL_MODEL).toBe('HuggingFaceTB/SmolVLM-256M-Instruct');
    const smallest = [...MODEL_CATALOG]
      .filter((m) => m.location === 'hub')
      .sort((a, b) => a.download!.q4f16!.mb - b.download!.q4f16!.mb)[0];
    expect(smallest.id).toBe(DEFAULT_REAL_MODEL);
    // 77.4 (decoder) + 56.8 (embed fp16) + 55 (vision) MB from the doc's listing.
    expect(catalogEntry(DEFAULT_REAL_MODEL)!.download!.q4f16).toEqual({ mb: 190, estimated: false });
    expect(catalogEntry(DEFAULT_REAL_MODEL)!.family).toBe('idefics3');
  });

  it('sizes Moondream 2 from its listed files, and offers it without shader-f16 in 4-bit fp32 compute', () => {
    const moondream = catalogEntry('Xenova/moondream2')!;
    expect(moondream.family).toBe('moondream1');
    // 740 (decoder q4f16) + 210 (embed_tokens q4f16) + 255 (vision_encoder q4f16) MB from the listing.
    expect(moondream.download!.q4f16).toEqual({ mb: 1205, estimated: false });
    // 823 + 419 + ≈ 280: the vision file's size is from an earlier commit, so the sum is an estimate.
    expect(moondream.download!.q4).toEqual({ mb: 1520, estimated: true });
    expect(pickDtype(moondream.dtypes, { backend: 'webgpu', shaderF16: false }).dtype).toBe('q4');
  });

  it('formats sizes, marking estimates', () => {
    expect(formatDownload({ mb: 190, estimated: false })).toBe('190 MB');
    expect(formatDownload({ mb: 1030, estimated: true })).toBe('≈ 1.0 GB');
  });

  it('uses the same adapted-score wording as the no-CLS scorers', () => {
    for (const scorer of Object.values(OUTLIER_SCORERS)) {
      expect(scorer.label.startsWith(ADAPTED_SCORE_NOTICE)).toBe(!scorer.faithful);
    }
  });
});

describe('pickDtype', () => {
  const all = ['fp32', 'fp16', 'q4', 'q4f16'] as const;

  it('takes q4f16 on a WebGPU adapter with shader-f16', () => {
    expect(pickDtype(all, { backend: 'webgpu', shaderF16: true })).toMatchObject({
      dtype: 'q4f16',
      reason: expect.stringMatching(/supports shader-f16/),
    });
  });

  it('prefers fp32-compute dtypes on WebGPU without shader-f16, and runs half precision there on the CPU', () => {
    expect(pickDtype(all, { backend: 'webgpu', shaderF16: false }).dtype).toBe('q4');
    expect(pickDtype(['fp16', 'fp32'], { backend: 'webgpu', shaderF16: false }).dtype).toBe('fp32');
    expect(dtypeRuns('q4f16', { backend: 'webgpu', shaderF16: false })).toBe(false);
    expect(dtypeRuns('fp16', { backend: 'webgpu', shaderF16: true })).toBe(true);
    // Only half precision on offer: it is taken, and runs on the CPU rather than failing on the GPU.
    expect(pickDtype(['q4f16', 'fp16'], { backend: 'webgpu', shaderF16: false })).toMatchObject({
      dtype: 'q4f16',
      reason: expect.stringMatching(/runs on the CPU/),
    });
    expect(backendFor('q4f16', { backend: 'webgpu', shaderF16: false })).toBe('wasm');
    expect(backendFor('q4f16', { backend: 'webgpu', shaderF16: true })).toBe('webgpu');
    expect(backendFor('q4', { backend: 'webgpu', shaderF16: false })).toBe('webgpu');
    expect(backendFor('fp16', { backend: 'wasm', shaderF16: false })).toBe('wasm');
  });

  it('prefers q4, then fp32 on WASM, and falls back to half precision only when nothing else exists', () => {
    expect(pickDtype(all, { backend: 'wasm', shaderF16: false }).dtype).toBe('q4');
    expect(pickDtype(['fp32', 'q4f16'], { backend: 'wasm', shaderF16: false }).dtype).toBe('fp32');
    expect(pickDtype(['q4f16'], { backend: 'wasm', shaderF16: false }).dtype).toBe('q4f16');
  });

  it('picks, for each catalogue model and device, an offered dtype that runs there', () => {
    for (const entry of MODEL_CATALOG) {
      for (const device of [
        { backend: 'webgpu', shaderF16: true },
        { backend: 'webgpu', shaderF16: false },
        { backend: 'wasm', shaderF16: false },
      ] as const) {
        const { dtype } = pickDtype(entry.dtypes, device);
        expect(entry.dtypes).toContain(dtype);
        expect(dtypeRuns(dtype, device)).toBe(true);
      }
    }
  });
});
