// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App';
import { createLensController } from '../../src/controllers/lens-controller';
import { ADAPTED_SCORE_NOTICE } from '../../src/core/models/catalog';
import { engineReady } from '../../src/state/actions';
import { LensError } from '../../src/protocol/errors';
import { settingsFromUrl } from '../../src/state/view-actions';
import { resetStore, store } from '../../src/state/store';
import { FAKE_INFO, fakeEngine, TEST_READER } from './fake-engine';
import { installJsdomGaps } from './jsdom-gaps';

const gpu = (shaderF16: boolean) => ({
  backend: 'webgpu' as const,
  adapter: { vendor: 'v', architecture: 'a', description: 'd', shaderF16, maxBufferSize: 2 ** 30 },
  crossOriginIsolated: true,
  ortVersion: 't',
  transformersVersion: 't',
});

function renderWith(capabilities: Parameters<typeof engineReady>[0]) {
  const lens = createLensController(fakeEngine().client, TEST_READER);
  engineReady(capabilities);
  render(<App lens={lens} />);
}

const modelSelect = () => screen.getByRole('combobox', { name: 'Model' }) as HTMLSelectElement;
const dtypeSelect = () => screen.getByLabelText('Weights (dtype)') as HTMLSelectElement;

describe('the model panel’s registry', () => {
  beforeAll(installJsdomGaps);
  beforeEach(resetStore);
  afterEach(cleanup);

  it('preselects the real SmolVLM-256M in the dtype this device runs best, with its download size before Load', () => {
    renderWith(gpu(false));
    expect([modelSelect().value, dtypeSelect().value]).toEqual(['HuggingFaceTB/SmolVLM-256M-Instruct', 'q4']);
    expect(screen.getByTestId('download-size').textContent).toBe(
      'Download: ≈ 260 MB once; the browser keeps it for later visits.',
    );
    cleanup();
    resetStore();
    renderWith(gpu(true));
    expect(dtypeSelect().value).toBe('q4f16');
    expect(screen.getByTestId('download-size').textContent).toMatch(/^Download: 190 MB once/);
    expect(screen.getByTestId('dtype-hint').textContent).toMatch(/^Suggested: q4f16 /);
  });

  it('keeps a dtype the link named instead of the device’s preferred one', () => {
    settingsFromUrl({ ...store.getState().settings, dtype: 'fp32' }, [], true);
    renderWith(gpu(true));
    expect(dtypeSelect().value).toBe('fp32');
  });

  it('offers the built-in demo model in one click when the Hub model cannot be downloaded', async () => {
    const engine = fakeEngine();
    engine.failNextLoad = new LensError(
      'model-not-found',
      'Could not download HuggingFaceTB/SmolVLM-256M-Instruct: the network is unreachable.',
    );
    const lens = createLensController(engine.client, TEST_READER);
    engineReady(gpu(false));
    render(<App lens={lens} />);
    fireEvent.click(screen.getByRole('button', { name: 'Load model' }));
    const offer = await screen.findByTestId('demo-fallback');
    fireEvent.click(within(offer).getByRole('button', { name: 'Use the built-in demo model' }));
    await screen.findByTestId('model-status');
    // In the dtype this device runs best, so the menu and the suggestion agree.
    expect(store.getState().settings).toMatchObject({ modelId: 'synthetic-llava-tiny', dtype: 'q4' });
    expect(store.getState().model.phase).toBe('ready');
    expect(screen.queryByTestId('demo-fallback')).toBeNull();
    // One grid per model: no "up to", no per-image note.
    expect(screen.getByTestId('model-status').textContent).toMatch(/ · 4×4 image tokens$/);
  });

  it('says what expanding the quantized decoder weights on the CPU cost, or why they stayed packed', async () => {
    for (const [cpuWeights, expected] of [
      [
        { expandedMatMuls: 211, addedBytes: 499_122_176, kept: [] },
        /^On the CPU, the decoder’s 211 quantized matrix products run on weights expanded to fp32 once at load \(\+476 MiB of memory\)/,
      ],
      [
        {
          expandedMatMuls: 0,
          addedBytes: 0,
          kept: ['the 300 n-bit MatMuls would take 1400 MiB as fp32, over the 1024 MiB allowed'],
        },
        /stay packed, so every step expands them again \(slower\): the 300 n-bit MatMuls would take 1400 MiB/,
      ],
    ] as const) {
      const engine = fakeEngine();
      engine.loadInfo = { ...FAKE_INFO, dtype: 'q4', cpuWeights };
      const lens = createLensController(engine.client, TEST_READER);
      engineReady(gpu(false));
      render(<App lens={lens} />);
      fireEvent.click(screen.getByRole('button', { name: 'Load model' }));
      expect((await screen.findByTestId('model-cpu-weights')).textContent).toMatch(expected);
      cleanup();
      resetStore();
    }
    // A model without n-bit weights (FAKE_INFO): nothing to say.
    renderWith(gpu(false));
    fireEvent.click(screen.getByRole('button', { name: 'Load model' }));
    await screen.findByTestId('model-status');
    expect(screen.queryByTestId('model-cpu-weights')).toBeNull();
  });

  it('picks q4f16 for SmolVLM-256M on a shader-f16 GPU, shows sizes and the adapted-score notice, and offers the no-CLS scorers', () => {
    renderWith(gpu(true));
    fireEvent.change(modelSelect(), { target: { value: 'synthetic-llava-tiny' } });
    expect(screen.queryByTestId('adapted-score-notice')).toBeNull();
    // The built-in llava has CLS: DAMRO's two paper settings are offered, labelled, the LLaVA-1.5 one first.
    const cls = screen.getByLabelText('Outlier score') as HTMLSelectElement;
    expect(Array.from(cls.options).map((o) => o.textContent)).toEqual([
      'One softmax over the full width (paper, LLaVA-1.5 setting)',
      'Mean of per-head softmaxes (paper, InstructBLIP setting)',
    ]);
    fireEvent.change(cls, { target: { value: 'head-mean' } });
    expect(store.getState().settings.clsScorer).toBe('head-mean');
    fireEvent.change(modelSelect(), { target: { value: 'HuggingFaceTB/SmolVLM-256M-Instruct' } });
    expect(store.getState().settings.dtype).toBe('q4f16');
    expect(Array.from(dtypeSelect().options).map((o) => o.textContent)).toEqual([
      'q4f16 · 190 MB',
      'fp16 · 515 MB',
      'q4 · ≈ 260 MB',
      'fp32 · ≈ 1.0 GB',
    ]);
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
    const onCpu = Array.from(dtypeSelect().options)
      .filter((o) => o.textContent?.includes('runs on the CPU'))
      .map((o) => o.value);
    expect(onCpu).toEqual(['q4f16', 'fp16']);
  });
});
