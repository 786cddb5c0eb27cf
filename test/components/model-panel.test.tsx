// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App';
import { createLensController, type ImageReader } from '../../src/client/bridge';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import { engineReady } from '../../src/state/actions';
import { resetStore, store } from '../../src/state/store';
import { fakeEngine } from './fake-engine';
import { installJsdomGaps } from './jsdom-gaps';

const reader: ImageReader = { measure: async () => ({ width: 64, height: 48 }), objectUrl: () => 'blob:test-image' };
const gpu = (shaderF16: boolean) => ({
  backend: 'webgpu' as const,
  adapter: { vendor: 'v', architecture: 'a', description: 'd', shaderF16, maxBufferSize: 2 ** 30 },
  crossOriginIsolated: true,
  ortVersion: 't',
  transformersVersion: 't',
});

function renderWith(capabilities: Parameters<typeof engineReady>[0]) {
  const lens = createLensController(fakeEngine().client, reader);
  engineReady(capabilities);
  render(<App lens={lens} />);
}

const modelSelect = () => screen.getByRole('combobox', { name: 'Model' }) as HTMLSelectElement;
const dtypeSelect = () => screen.getByLabelText('Weights (dtype)') as HTMLSelectElement;

describe('the model panel’s registry', () => {
  beforeAll(installJsdomGaps);
  beforeEach(resetStore);
  afterEach(cleanup);

  it('picks q4f16 for SmolVLM-256M on a shader-f16 GPU, shows sizes and the adapted-score notice, and offers the no-CLS scorers', () => {
    renderWith(gpu(true));
    expect(screen.queryByTestId('adapted-score-notice')).toBeNull();
    // The built-in llava has CLS: DAMRO's two paper settings are offered, labelled, the LLaVA-1.5 one first.
    const cls = screen.getByLabelText('Outlier score') as HTMLSelectElement;
    expect(Array.from(cls.options).map((o) => o.textContent)).toEqual(['One softmax over the full width (paper, LLaVA-1.5 setting)', 'Mean of per-head softmaxes (paper, InstructBLIP setting)']);
    fireEvent.change(cls, { target: { value: 'head-mean' } });
    expect(store.getState().settings.clsScorer).toBe('head-mean');
    fireEvent.change(modelSelect(), { target: { value: 'HuggingFaceTB/SmolVLM-256M-Instruct' } });
    expect(store.getState().settings.dtype).toBe('q4f16');
    expect(Array.from(dtypeSelect().options).map((o) => o.textContent)).toEqual(['q4f16 · 190 MB', 'fp16 · 515 MB', 'q4 · ≈ 260 MB', 'fp32 · ≈ 1.0 GB']);
    expect(screen.getByTestId('dtype-hint').textContent).toMatch(/^Suggested: q4f16 \(this GPU supports shader-f16/);
    expect(screen.getByTestId('adapted-score-notice').textContent).toContain(ADAPTED_SCORE_NOTICE);
    const scorer = screen.getByLabelText('Adapted outlier score') as HTMLSelectElement;
    expect(scorer.value).toBe('mean-received-attention');
    expect(screen.queryByLabelText('Outlier score')).toBeNull();
    fireEvent.change(scorer, { target: { value: 'token-norm' } });
    expect(store.getState().settings.noClsScorer).toBe('token-norm');
  });

  it('suggests fp32-compute weights on a GPU without shader-f16 and says half precision would run on the CPU', () => {
    renderWith(gpu(false));
    fireEvent.change(modelSelect(), { target: { value: 'HuggingFaceTB/SmolVLM-256M-Instruct' } });
    expect(store.getState().settings.dtype).toBe('q4');
    const onCpu = Array.from(dtypeSelect().options).filter((o) => o.textContent?.includes('runs on the CPU')).map((o) => o.value);
    expect(onCpu).toEqual(['q4f16', 'fp16']);
  });
});
