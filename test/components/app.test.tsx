// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App';
import { createLensController } from '../../src/controllers/lens-controller';
import { aggregateAttention } from '../../src/core/attention/aggregate';
import { LensError } from '../../src/protocol/errors';
import { engineReady } from '../../src/state/actions';
import { labellerReady } from '../../src/state/label-actions';
import { resetStore, store } from '../../src/state/store';
import { shippedLabelResources } from '../support/label-resources';
import { addGroundTruth, chooseK, updateSettings } from '../../src/state/view-actions';
import { buildRunExport } from '../../src/state/run-export';
import { validateRunExport } from '../../src/core/export/run-export';
import { installJsdomGaps, lastDraw } from './jsdom-gaps';
import { detailOf, FAKE_INFO, fakeEngine, HEADS, LAYERS, TEST_READER } from './fake-engine';

const labelResources = shippedLabelResources();

function renderApp() {
  const engine = fakeEngine();
  const lens = createLensController(engine.client, TEST_READER);
  engineReady({
    backend: 'wasm',
    fallbackReason: 'This browser has no WebGPU adapter.',
    crossOriginIsolated: true,
    ortVersion: 't',
    transformersVersion: 't',
  });
  render(<App lens={lens} />);
  return engine;
}

async function loadAndRun() {
  fireEvent.click(screen.getByRole('button', { name: 'Load model' }));
  await screen.findByTestId('model-status');
  const input = screen.getByLabelText('Choose a file…') as HTMLInputElement;
  fireEvent.change(input, {
    target: { files: [new File([new Uint8Array([137, 80, 78, 71])], 'dog.png', { type: 'image/png' })] },
  });
  await waitFor(() =>
    expect([store.getState().run.phase, store.getState().ui.imageError]).toEqual(['finished', undefined]),
  );
}

const caption = (kind: 'baseline' | 'damro') => document.querySelector<HTMLElement>(`[data-caption=${kind}]`)!;
const canvas = (name: RegExp) => screen.getByRole('img', { name }) as HTMLCanvasElement;
const ops = (c: HTMLCanvasElement, op: string) => lastDraw(c).filter((call) => call.op === op);

/** Share of the mean-of-selected-heads attention on the given patches, computed here from the fake's formula. */
function expectedShare(kind: 'baseline' | 'damro', step: number, patches: number[], head?: number): number {
  const stack = { data: detailOf(kind, step), layers: LAYERS, heads: HEADS, imageTokens: 16 };
  const values =
    head === undefined ? aggregateAttention('mean-heads', stack) : aggregateAttention('one-head', stack, { head });
  const total = values.reduce((a, b) => a + b, 0);
  return patches.reduce((sum, p) => sum + values[p], 0) / total;
}

describe('the visualizer against a scripted engine', () => {
  beforeAll(installJsdomGaps);
  beforeEach(() => {
    resetStore();
    updateSettings({ modelId: 'synthetic-llava-tiny', dtype: 'fp32' });
    labellerReady(labelResources);
  });
  afterEach(cleanup);

  it('shows the synthetic notice, the WASM reason, per-file progress with a cached mark and the total', async () => {
    renderApp();
    expect(screen.getByRole('note').textContent).toMatch(/random weights: captions are meaningless/);
    expect(screen.getByTestId('model-backend').textContent).toBe('Runs on WASM: This browser has no WebGPU adapter.');
    fireEvent.click(screen.getByRole('button', { name: 'Load model' }));
    await screen.findByTestId('model-status');
    await waitFor(() =>
      expect(screen.getByTestId('load-total').textContent).toBe('2 files, 3.0 MB, 1 from the browser cache'),
    );
    expect(screen.getAllByText('cached')).toHaveLength(1);
    expect(screen.getByText('onnx/decoder_model.onnx')).toBeTruthy();
  });

  it('names the failure when a model cannot be loaded', async () => {
    const engine = renderApp();
    engine.failNextLoad = new LensError('out-of-memory', 'The model needs 3 GB; close other tabs or pick q4.');
    fireEvent.click(screen.getByRole('button', { name: 'Load model' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Out of memory. The model needs 3 GB; close other tabs or pick q4.');
  });

  it('streams both captions as token buttons and outlines the top k outliers, following k live', async () => {
    renderApp();
    await loadAndRun();
    expect(
      within(caption('baseline'))
        .getAllByRole('button')
        .map((b) => b.textContent)
        .join(''),
    ).toBe('A dog on a couch');
    expect(
      within(caption('damro'))
        .getAllByRole('button')
        .map((b) => b.textContent)
        .join(''),
    ).toBe('A dog on the bed');
    // k starts at the default for the fake's 16 image tokens: ⌈16 · 10 / 576⌉ = 1.
    const encoder = canvas(/Outlier score heatmap/);
    expect(ops(encoder, 'strokeRect')).toHaveLength(1);
    expect(ops(encoder, 'fillText').map((c) => c.args[0])).toEqual(['1']);
    // 64×48 resized to 42×32 and cropped to 32×32: the 5 px cut on each side is dimmed.
    expect(ops(encoder, 'fillRect')).toHaveLength(2);
    fireEvent.change(screen.getByLabelText('k = 1'), { target: { value: '3' } });
    expect(ops(encoder, 'strokeRect')).toHaveLength(3);
    expect(
      within(screen.getByTestId('outlier-list'))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['row 3, col 2', 'row 1, col 3', 'row 3, col 4']);
    expect(screen.getByText(/decoded with k = 1; run again to decode with k = 3/)).toBeTruthy();
  });

  it('keeps a k the person chose when another model loads', async () => {
    renderApp();
    chooseK(5);
    await loadAndRun();
    expect(store.getState().settings.damro.k).toBe(5);
    expect(ops(canvas(/Outlier score heatmap/), 'strokeRect')).toHaveLength(5);
  });

  it('shows a clicked token’s attention and its share on the outliers, re-aggregated for one head', async () => {
    renderApp();
    chooseK(10);
    await loadAndRun();
    fireEvent.click(within(caption('damro')).getByRole('button', { name: 'bed' }));
    const token = canvas(/Decoder attention of token “bed”/);
    expect(token.dataset.heatmap).toBe('on');
    expect(ops(token, 'drawImage')).toHaveLength(1);
    const outliers = [9, 2, 11, 4, 13, 6, 15, 8, 1, 10];
    const share = () => Number(screen.getByTestId('outlier-share').dataset.share);
    expect(share()).toBeCloseTo(expectedShare('damro', 4, outliers), 6);
    fireEvent.change(screen.getByLabelText('Head'), { target: { value: '1' } });
    await waitFor(() => expect(share()).toBeCloseTo(expectedShare('damro', 4, outliers, 1), 6));
    expect(expectedShare('damro', 4, outliers, 1)).not.toBeCloseTo(expectedShare('damro', 4, outliers), 3);
  });

  it('shows the same word’s attention in the other caption beside the clicked one', async () => {
    renderApp();
    await loadAndRun();
    fireEvent.click(within(caption('damro')).getByRole('button', { name: 'dog' }));
    // "dog" is DAMRO token 2 and baseline token 2; its baseline map is the streamed frame of baseline step 1.
    expect(screen.getByTestId('counterpart').querySelector('.view__caption')!.textContent).toMatch(
      /^The same word in the baseline caption \(token 2\): \d+\.\d% on the outliers$/,
    );
    expect(canvas(/same word “dog” in the baseline caption/).dataset.heatmap).toBe('on');
    fireEvent.click(within(caption('damro')).getByRole('button', { name: 'bed' }));
    expect(screen.getByTestId('counterpart').textContent).toBe('“bed” does not occur in the baseline caption.');
  });

  it('shows a clicked token’s attention over the prompt and the caption before it; Escape clears the selection', async () => {
    renderApp();
    await loadAndRun();
    fireEvent.click(within(caption('damro')).getByRole('button', { name: 'bed' }));
    const view = await screen.findByTestId('text-attention');
    const tokens = [...view.querySelectorAll<HTMLElement>('.text-attention__token')];
    // DAMRO's "bed" is step 4: the 7 prompt tokens, then its caption's first four tokens; the image sits before
    // "Describe".
    expect(tokens.map((t) => t.textContent)).toEqual([
      ...['<s>', 'USER', ':', 'Describe', '.', 'ASSISTANT', ':'],
      ...['A', 'dog', 'on', 'the'],
    ]);
    expect(tokens.map((t) => t.className.replace('text-attention__token text-attention__token--', ''))).toEqual([
      ...Array(7).fill('prompt'),
      ...Array(4).fill('caption'),
    ]);
    expect(within(view).getByTestId('text-attention-image').nextElementSibling).toBe(tokens[3]);
    // Key j holds (j + 1) / 200 in every layer and head: the prompt (1 + … + 7) / 200 = 14%, the caption
    // (8 + … + 11) / 200 = 19%. The image, summed over the fake's 16 tokens, (t + 1)(l + 1) + 5h(t mod 3) + 4 + 2
    // per hundred, averaged over l, h ∈ {0, 1}: (136 · 1.5 + 75 · 0.5 + 96) / 100 = 337.5% (the fake is not a
    // softmax).
    expect(view.querySelector('figcaption')!.textContent).toBe(
      'Over the text: 14.0% on the prompt, 19.0% on the caption so far, 337.5% on the image',
    );
    // min-max colours: the first token is the low end, the last the high end.
    expect(tokens[0].style.background).not.toBe(tokens[10].style.background);
    expect(tokens[10].title).toBe('Caption token “ the”: 5.5%');
    // Escape lets go of the selected token.
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('text-attention')).toBeNull();
    expect(screen.queryByTestId('token-label')).toBeNull();
    expect(store.getState().ui.selected).toBeUndefined();
  });

  it('inspects a DAMRO step and moves through a caption with the arrow keys', async () => {
    renderApp();
    await loadAndRun();
    const tokens = within(caption('damro')).getAllByRole('button');
    expect(tokens.map((t) => t.tabIndex)).toEqual([0, -1, -1, -1, -1]);
    act(() => tokens[0].focus());
    fireEvent.keyDown(tokens[0], { key: 'End' });
    fireEvent.keyDown(tokens[4], { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(tokens[3]);
    expect(tokens[3].getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('step-summary').textContent).toBe(
      'Step 4: β = 0.1 keeps 2 tokens with full-branch logit ≥ 0.700. DAMRO changed the top token here.',
    );
  });

  it('waits for the labeller only once there is an image to label', async () => {
    resetStore(); // the labeller has not loaded: the site fetches it with the first image
    renderApp();
    expect(screen.getByTestId('gt-source').textContent).toBe(
      'Drop an image; its objects come from COCO, your list, or the detector.',
    );
    await loadAndRun();
    expect(screen.getByTestId('gt-source').textContent).toBe('labelling… (loading the CHAIR tagger)');
    act(() => labellerReady(labelResources));
    await waitFor(() => expect(screen.getByTestId('gt-source').textContent).toBe('Detector synthetic-detr-tiny: dog'));
  });

  it('exports what the CPU backend did with the decoder’s n-bit weights, in a run the schema accepts', async () => {
    const cpuWeights = { expandedMatMuls: 211, addedBytes: 498_632_806, kept: [] };
    renderApp().loadInfo = { ...FAKE_INFO, dtype: 'q4', cpuWeights };
    await loadAndRun();
    const run = buildRunExport(store.getState())!;
    expect(run.model.cpuWeights).toEqual(cpuWeights);
    expect(validateRunExport(JSON.parse(JSON.stringify(run)))).toEqual([]);
  });

  it('exports each caption’s labels with spans and evidence, its CHAIR values and the ground truth used', async () => {
    renderApp();
    addGroundTruth('dog, bed');
    await loadAndRun();
    const run = buildRunExport(store.getState())!;
    expect(validateRunExport(run)).toEqual([]);
    expect(run.groundTruth).toEqual(['dog', 'bed']);
    expect(run.labels!.source).toBe('user-list');
    // Baseline "A dog on a couch": dog grounded by the list entry, couch hallucinated. CHAIRs = 1 (a hallucination),
    // CHAIRi = 1 hallucinated / 2 mentions, recall = 1 mentioned / 2 listed.
    expect(run.labels!.captions.baseline.words).toEqual([
      { kind: 'grounded', start: 2, end: 5, text: 'dog', node: 'dog', evidence: { kind: 'user-list', entry: 'dog' } },
      { kind: 'hallucinated', start: 11, end: 16, text: 'couch', node: 'couch', evidence: null },
    ]);
    expect(run.labels!.captions.baseline.chair).toEqual({ chairS: 1, chairI: 0.5, recall: 0.5 });
    // DAMRO "A dog on the bed": both listed, nothing hallucinated.
    expect(run.labels!.captions.damro.chair).toEqual({ chairS: 0, chairI: 0, recall: 1 });
  });

  it('gives object words no verdict while the detector is still finding the ground truth', async () => {
    const release = renderApp().holdDetections();
    await loadAndRun();
    const kindOf = (text: string) => within(caption('baseline')).getByRole('button', { name: text });
    await waitFor(() => expect(screen.getByTestId('gt-source').textContent).toBe('Detecting objects…'));
    // dog and couch are COCO words: neither grounded nor hallucinated nor "not a COCO object" yet.
    expect([kindOf('dog').className, kindOf('couch').className]).toEqual([
      'token token--checking',
      'token token--checking',
    ]);
    expect(kindOf('dog').title).toBe('checking: dog is a COCO object; the objects in this image are still being found');
    expect(screen.getByTestId('labels-baseline').textContent).toBe(
      '2 object words checking… (finding the objects in the image) · 0 unverifiable',
    );
    expect(screen.queryByTestId('labels-diff')).toBeNull();
    act(release);
    await waitFor(() => expect(kindOf('dog').className).toBe('token token--grounded'));
    expect(kindOf('couch').className).toBe('token token--hallucinated');
  });

  it('labels object words with CHAIR against the detector, then against the chips, with counts and the DAMRO difference', async () => {
    renderApp();
    await loadAndRun();
    const kindOf = (kind: 'baseline' | 'damro', text: string) =>
      within(caption(kind)).getByRole('button', { name: text }).className;
    // No COCO id, no list: the scripted detector (dog 0.95, couch 0.40) above the default threshold 0.7.
    await waitFor(() => expect(screen.getByTestId('gt-source').textContent).toBe('Detector synthetic-detr-tiny: dog'));
    expect(kindOf('baseline', 'dog')).toBe('token token--grounded');
    expect(kindOf('baseline', 'couch')).toBe('token token--hallucinated');
    expect(kindOf('damro', 'on')).toBe('token');
    expect(screen.getByTestId('labels-baseline').textContent).toBe(
      '1 grounded · 1 hallucinated · 0 unverifiable · CHAIRs 1 · CHAIRi 0.50',
    );
    expect(screen.getByTestId('labels-diff').textContent).toBe(
      'DAMRO vs baseline: hallucinated ±0, grounded ±0, CHAIRs ±0, CHAIRi ±0.00 · removed: couch · introduced: bed',
    );
    // Hovering a grounded word highlights its box on the evidence canvas.
    const evidence = screen.getByTestId('evidence-canvas');
    expect(evidence.dataset.boxCount).toBe('1');
    fireEvent.mouseEnter(within(caption('baseline')).getByRole('button', { name: 'dog' }));
    expect(evidence.dataset.focus).toBe('dog');
    expect(evidence.dataset.highlightedCount).toBe('1');
    // Lowering the threshold lets the couch in.
    fireEvent.change(screen.getByLabelText(/Detector threshold/), { target: { value: '0.3' } });
    expect(kindOf('baseline', 'couch')).toBe('token token--grounded');
    expect(screen.getByTestId('evidence-canvas').dataset.boxCount).toBe('2');

    // The person's list wins over the detector.
    fireEvent.change(screen.getByPlaceholderText('dog, couch, …'), { target: { value: 'Dogs, bed' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(screen.getAllByRole('listitem').some((li) => li.textContent === 'dogs×')).toBe(true);
    expect(screen.getByTestId('gt-source').textContent).toBe('Your list: dog, bed');
    expect(kindOf('baseline', 'dog')).toBe('token token--grounded');
    expect(kindOf('baseline', 'couch')).toBe('token token--hallucinated');
    expect(kindOf('damro', 'bed')).toBe('token token--grounded');
    expect(screen.getByTestId('labels-diff').textContent).toBe(
      'DAMRO vs baseline: hallucinated −1, grounded +1, CHAIRs −1, CHAIRi −0.50 · removed: couch',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Remove bed' }));
    expect(kindOf('damro', 'bed')).toBe('token token--hallucinated');

    // A COCO val2014 id wins over both: image 310196 has person, skis, snowboard.
    fireEvent.change(screen.getByLabelText('COCO val2014 image id'), { target: { value: '310196' } });
    expect(screen.getByTestId('gt-source').textContent).toBe(
      'COCO val2014 image 310196 (CHAIR annotations): person, skis, snowboard',
    );
    expect(kindOf('baseline', 'dog')).toBe('token token--hallucinated');
  });
});
