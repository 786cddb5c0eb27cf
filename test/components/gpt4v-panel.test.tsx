// @vitest-environment jsdom
// The GPT-4V-aided side of the benchmark panel against a scripted engine and a real chat-completions server on
// loopback: nothing goes to the judge while the consent question is open or after Cancel; Pause stops between
// judge requests and Resume asks only the items without a verdict, without asking consent again for the same
// endpoint; the key stays out of the store.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryAnswers } from '../../src/client/eval-storage';
import type { Judgement } from '../../src/core/eval/judge';
import { resetStore, store } from '../../src/state/store';
import { startJudgeServer, verdict, type JudgeServer } from '../support/judge-server';
import { renderBenchmarkApp } from './benchmark-app';
import { fakeEngine } from './fake-engine';
import { installJsdomGaps } from './jsdom-gaps';

const KEY = 'sk-panel-secret-0f1e2d3c4b5a';
const IMAGES = ['COCO_val2014_000000525439.jpg', 'COCO_val2014_000000097131.jpg'];
const bytes = IMAGES.map((_, n) => Uint8Array.from({ length: 64 }, (_, i) => (i * (n + 3)) % 256));

let server: JudgeServer | undefined;

describe('the GPT-4V-aided benchmark panel', () => {
  beforeAll(installJsdomGaps);
  beforeEach(resetStore);
  afterEach(async () => {
    cleanup();
    await server?.close();
  });

  it('sends nothing before consent, pauses between requests and resumes only what is left', async () => {
    server = await startJudgeServer({
      apiKey: KEY,
      model: 'judge',
      images: Object.fromEntries(
        IMAGES.map((name, n) => [
          name,
          {
            bytes: bytes[n],
            replies: [{ kind: 'answer' as const, text: verdict([5 + n, 7], [4, 8 - n]), delayMs: 300 }],
          },
        ]),
      ),
    });
    const judgements = memoryAnswers<Judgement>();
    renderBenchmarkApp(fakeEngine().client, { judgements, lensClient: fakeEngine().client });
    const panel = within(screen.getByRole('region', { name: 'Benchmarks' }));
    fireEvent.click(screen.getByRole('button', { name: 'Load model' }));
    await waitFor(() => expect(store.getState().model.phase).toBe('ready'));
    fireEvent.change(panel.getByLabelText('Benchmark'), { target: { value: 'gpt4v' } });
    fireEvent.change(panel.getByLabelText('Questions (0 = all)'), { target: { value: '4' } });
    fireEvent.change(panel.getByLabelText('Judge base URL'), { target: { value: server.baseUrl } });
    fireEvent.change(panel.getByLabelText('Judge model'), { target: { value: 'judge' } });
    fireEvent.change(panel.getByLabelText('Judge requests at once'), { target: { value: '1' } });
    fireEvent.change(panel.getByLabelText('API key'), { target: { value: KEY } });
    const files = IMAGES.map((name, n) => {
      const file = new File([bytes[n]], name, { type: 'image/jpeg' });
      Object.defineProperty(file, 'webkitRelativePath', { value: `val2014/${name}` });
      return file;
    });
    fireEvent.change(panel.getByLabelText('Image folder'), { target: { files } });

    fireEvent.click(panel.getByRole('button', { name: 'Start' }));
    const dialog = await panel.findByRole('alertdialog', { name: 'Send images to the judge?' });
    expect(dialog.textContent).toContain(
      `This run will send 6 requests to ${server.baseUrl}/chat/completions (model judge). Each carries one of 2 images`,
    );
    fireEvent.click(panel.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(store.getState().evaluation.phase).toBe('cancelled'));
    expect(server.seen).toHaveLength(0);

    fireEvent.click(panel.getByRole('button', { name: 'Resume' }));
    fireEvent.click(within(await panel.findByRole('alertdialog')).getByRole('button', { name: 'Send to the judge' }));
    await waitFor(() => expect(server!.seen).toHaveLength(1));
    fireEvent.click(panel.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(store.getState().evaluation.phase).toBe('paused'));
    // The request in flight finishes and is kept; no other was started.
    expect(server.seen).toHaveLength(1);
    expect(store.getState().evaluation.judgeProgress).toMatchObject({ done: 1, total: 6 });

    fireEvent.click(panel.getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(store.getState().evaluation.phase).toBe('done'), { timeout: 10_000 });
    expect(panel.queryByRole('alertdialog')).toBeNull();
    expect(server.seen).toHaveLength(6);
    expect(new Set(server.seen.map((r) => r.prompt)).size).toBe(1);
    const summary = store.getState().evaluation.results.at(-1)!;
    // Three items per image: accuracy (5+5+5+6+6+6)/6 = 5.5 and 7; detailedness 4 and (8·3 + 7·3)/6 = 7.5.
    expect(summary.rows[0].values).toEqual({
      accuracy: { baseline: 5.5, damro: 7 },
      detailedness: { baseline: 4, damro: 7.5 },
    });
    expect(JSON.stringify(store.getState())).not.toContain(KEY);
  });
});
