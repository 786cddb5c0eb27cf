// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../src/client/engine-client';
import { parsePopeQuestions } from '../../src/core/metrics/pope';
import { METHODS } from '../../src/core/methods/registry';
import type { ComparedMethod, EvalImageParams } from '../../src/protocol/messages';
import { updateSettings } from '../../src/state/view-actions';
import { resetStore, store } from '../../src/state/store';
import { renderBenchmarkApp } from './benchmark-app';
import { fakeEngine } from './fake-engine';
import { repoData } from '../support/repo-data';
import { installJsdomGaps } from './jsdom-gaps';

const QUESTIONS = parsePopeQuestions(repoData('coder-gx__DAMRO/data/pope/coco/coco_pope_random.jsonl')).slice(0, 12);

function renderPanel() {
  const engine = fakeEngine();
  const asked: string[][] = [];
  const client: EngineClient = {
    ...engine.client,
    call: (method, params, transfer) => {
      if (method === 'eval/image') asked.push((params as EvalImageParams).items.map((i) => i.key));
      return engine.client.call(method, params, transfer);
    },
  };
  renderBenchmarkApp(client);
  return { asked, engine };
}

function pickFolder() {
  const files = [...new Set(QUESTIONS.map((q) => q.image))].map((name) => {
    const file = new File([Uint8Array.of(0x89, 0x50, 0x4e, 0x47)], name, { type: 'image/jpeg' });
    Object.defineProperty(file, 'webkitRelativePath', { value: `val2014/${name}` });
    return file;
  });
  fireEvent.change(screen.getByLabelText('Image folder'), { target: { files } });
}

describe('the benchmark panel against a scripted engine', () => {
  beforeAll(installJsdomGaps);
  beforeEach(resetStore);
  afterEach(cleanup);

  it('runs a 12-question POPE subset over a picked folder and tabulates baseline vs DAMRO; a second start asks nothing again', async () => {
    const { asked } = renderPanel();
    const panel = within(screen.getByRole('region', { name: 'Benchmarks' }));
    expect((panel.getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Load model' }));
    await waitFor(() => expect(store.getState().model.phase).toBe('ready'));
    pickFolder();
    fireEvent.change(panel.getByLabelText('Questions (0 = all)'), { target: { value: '12' } });
    fireEvent.click(panel.getByRole('button', { name: 'Start' }));
    // While it runs, no setting that decides the results can change under it.
    await waitFor(() => expect(store.getState().evaluation.phase).toBe('running'));
    for (const label of ['Questions (0 = all)', 'Answer rule'])
      expect((panel.getByLabelText(label) as HTMLInputElement | HTMLSelectElement).disabled, label).toBe(true);
    await waitFor(() => expect(store.getState().evaluation.phase).toBe('done'));
    expect((panel.getByLabelText('Answer rule') as HTMLSelectElement).disabled).toBe(false);
    expect(asked).toEqual([
      ['1', '2', '3', '4', '5', '6'],
      ['7', '8', '9', '10', '11', '12'],
    ]);
    expect(panel.getByTestId('eval-progress').textContent).toMatch(/12\/12 questions/);

    // The fake answers "Yes" (baseline) and "No" (DAMRO): accuracy is the share of yes labels, then of no labels.
    const yes = QUESTIONS.filter((q) => q.label === 'yes').length;
    const row = panel.getByRole('row', { name: /^random/ });
    const cells = within(row)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells.slice(0, 2)).toEqual([((100 * yes) / 12).toFixed(2), ((100 * (12 - yes)) / 12).toFixed(2)]);
    expect(
      panel.getByRole('img', { name: /Accuracy \(%\): baseline and DAMRO/ }).querySelectorAll('rect[fill]'),
    ).toHaveLength(4);

    expect(panel.getByTestId('eval-kept').textContent).toMatch(/^12 answers with these settings kept in this browser/);
    fireEvent.change(panel.getByLabelText('Questions (0 = all)'), { target: { value: '6' } });
    await waitFor(() => expect(panel.queryByTestId('eval-kept')).toBeNull());
    fireEvent.change(panel.getByLabelText('Questions (0 = all)'), { target: { value: '12' } });
    await waitFor(() => expect(panel.getByTestId('eval-kept').textContent).toMatch(/^12 answers/));

    fireEvent.click(panel.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(store.getState().evaluation.phase).toBe('done'));
    expect(asked).toHaveLength(2);
  });

  it('answers the methods chosen under the captions beside baseline and DAMRO, a column and a bar each', async () => {
    const { engine } = renderPanel();
    const methods: ComparedMethod[][] = [];
    const call = engine.client.call;
    engine.client.call = (method, params, transfer) => {
      if (method === 'eval/image') methods.push([...((params as EvalImageParams).methods ?? [])]);
      return call(method, params, transfer);
    };
    const panel = within(screen.getByRole('region', { name: 'Benchmarks' }));
    fireEvent.click(screen.getByRole('button', { name: 'Load model' }));
    await waitFor(() => expect(store.getState().model.phase).toBe('ready'));
    act(() => updateSettings({ methods: ['vcd'], methodParams: { vcd: { alpha: 0.5 } } }));
    expect(panel.getByTestId('eval-methods').textContent).toMatch(/^Also answered with VCD/);
    pickFolder();
    fireEvent.change(panel.getByLabelText('Questions (0 = all)'), { target: { value: '6' } });
    fireEvent.click(panel.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(store.getState().evaluation.phase).toBe('done'));
    expect(methods).toEqual([[{ method: 'vcd', params: { ...METHODS.vcd.defaults, alpha: 0.5 } }]]);
    expect(panel.getAllByRole('columnheader').map((c) => c.textContent)).toContain('VCD');
    // The fake answers "Yes" for the baseline and VCD, "No" for DAMRO.
    const yes = QUESTIONS.slice(0, 6).filter((q) => q.label === 'yes').length;
    const cells = within(panel.getByRole('row', { name: /^random/ }))
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells.slice(0, 3)).toEqual([
      ((100 * yes) / 6).toFixed(2),
      ((100 * (6 - yes)) / 6).toFixed(2),
      ((100 * yes) / 6).toFixed(2),
    ]);
    expect(
      panel.getByRole('img', { name: /Accuracy \(%\): baseline, DAMRO and VCD/ }).querySelectorAll('rect[fill]'),
    ).toHaveLength(6);
  });

  it('shows life from Start on, before the first answer arrives: the question in work, a ticking clock and streaming tokens', async () => {
    const { engine } = renderPanel();
    const release = engine.holdAnswers();
    const panel = within(screen.getByRole('region', { name: 'Benchmarks' }));
    fireEvent.click(screen.getByRole('button', { name: 'Load model' }));
    await waitFor(() => expect(store.getState().model.phase).toBe('ready'));
    pickFolder();
    fireEvent.change(panel.getByLabelText('Questions (0 = all)'), { target: { value: '12' } });
    fireEvent.click(panel.getByRole('button', { name: 'Start' }));
    await waitFor(() =>
      expect(panel.getByTestId('eval-clock').textContent).toMatch(
        /^Working: answering question 1 of 12 · 0 s since Start · /,
      ),
    );
    // The clock ticks each second while no answer has come (the bound is generous: a loaded machine is slow).
    await waitFor(
      () =>
        expect(panel.getByTestId('eval-clock').textContent).toMatch(
          / · [1-9]\d* s since Start · time left shown after the first answer$/,
        ),
      { timeout: 10_000 },
    );
    expect(store.getState().evaluation.progress?.done).toBe(0);
    // The first question's two tokens (one per caption) streamed before its answer.
    const first = store.getState().evaluation.streaming?.question;
    expect(first).toBeDefined();
    expect(panel.getByTestId('eval-tokens').textContent).toMatch(
      new RegExp(`^Question ${first}: 2 tokens so far \\(both captions\\) · 2 since Start, \\d+\\.\\d tokens/s$`),
    );
    release();
    await waitFor(() => expect(store.getState().evaluation.phase).toBe('done'));
    expect(panel.queryByTestId('eval-clock')).toBeNull();
  });

  it('says which images are missing from the folder', async () => {
    renderPanel();
    const panel = within(screen.getByRole('region', { name: 'Benchmarks' }));
    fireEvent.click(screen.getByRole('button', { name: 'Load model' }));
    await waitFor(() => expect(store.getState().model.phase).toBe('ready'));
    pickFolder();
    fireEvent.change(panel.getByLabelText('Questions (0 = all)'), { target: { value: '18' } });
    fireEvent.click(panel.getByRole('button', { name: 'Start' }));
    expect((await panel.findByRole('alert')).textContent).toMatch(
      /The chosen folder lacks 1 image\(s\) of this benchmark \(e\.g\. COCO_val2014_/,
    );
  });
});
