// The benchmark panel end to end: the built site in Chromium, the demo model, POPE random over a folder of generated
// images picked through the real directory input, answers kept in the real IndexedDB. A run paused after its first
// image survives a reload: the panel says how many answers it kept, asks only the rest, and the finished table and
// exports hold the numbers pope.ts computes from the answers the page kept.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BenchmarkSummary } from '../../src/core/eval/benchmark';
import { countPopeAnswers, parsePopeQuestions, popeMetrics, type PopeMetrics } from '../../src/core/metrics/pope';
import { encodePng } from '../support/png';
import { repoData } from '../support/repo-data';
import { collectErrors, launchChromium, screenshot } from './chromium';

const QUESTIONS = 'coder-gx__DAMRO/data/pope/coco/coco_pope_random.jsonl';
/** 13 questions round up to whole images: the first three images, 18 questions. */
const LIMIT = 13;
const IMAGES = 3;
const PER_IMAGE = 6;

interface KeptRow {
  readonly run: string;
  readonly key: string;
  readonly outputs: { baseline: string; damro: string };
}

/** A 48 × 40 picture per image, each its own colours, under the question list's .jpg name (the panel sniffs PNG). */
async function writeImageFolder(names: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pope-images-'));
  await Promise.all(
    names.map((name, n) => {
      const rgba = new Uint8ClampedArray(48 * 40 * 4);
      for (let p = 0; p < 48 * 40; p++)
        rgba.set([(p * 7 + 90 * n) % 256, (p * 3 + 40 * n) % 256, (130 * n + (p % 48) * 5) % 256, 255], p * 4);
      return writeFile(join(dir, name), encodePng(rgba, 48, 40));
    }),
  );
  return dir;
}

/** Every answer the page's IndexedDB holds, read the way any page script could. */
function keptAnswers(page: Page): Promise<KeptRow[]> {
  return page.evaluate(
    () =>
      new Promise<KeptRow[]>((resolve, reject) => {
        const open = indexedDB.open('damro-lens-eval');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('answers').objectStore('answers').getAll();
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            open.result.close();
            resolve(request.result as KeptRow[]);
          };
        };
      }),
  );
}

/**
 * Counts the questions the page sends the worker, by key (a wrapper around Worker.postMessage installed before the app
 * runs).
 */
const COUNT_ASKED = () => {
  const post = Worker.prototype.postMessage;
  const asked: string[] = [];
  Object.assign(window, { asked });
  Worker.prototype.postMessage = function (
    this: Worker,
    message: unknown,
    transfer?: Transferable[] | StructuredSerializeOptions,
  ) {
    const m = message as { method?: string; params?: { items?: { key: string }[] } };
    if (m?.method === 'eval/image') asked.push(...(m.params?.items ?? []).map((item) => item.key));
    post.call(this, message, transfer as StructuredSerializeOptions);
  };
};
const askedKeys = (page: Page) => page.evaluate(() => (window as unknown as { asked: string[] }).asked);

/** Records every text the progress line shows from now on, so a test sees where a run started. */
const recordProgress = (page: Page) =>
  page.evaluate(() => {
    const seen: string[] = [];
    Object.assign(window, { progressSeen: seen });
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid=eval-progress]')?.textContent?.trim();
      if (text && text !== seen.at(-1)) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
const progressSeen = (page: Page) =>
  page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);

/** Records, at every change of the page, the progress line beside the streamed-tokens line (when there is one). */
const recordLife = (page: Page) =>
  page.evaluate(() => {
    const seen: [string, string][] = [];
    Object.assign(window, { lifeSeen: seen });
    new MutationObserver(() => {
      const text = (id: string) => document.querySelector(`[data-testid=${id}]`)?.textContent?.trim() ?? '';
      const pair: [string, string] = [text('eval-progress'), text('eval-tokens')];
      if (pair[1] && pair[1] !== seen.at(-1)?.[1]) seen.push(pair);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
const lifeSeen = (page: Page) => page.evaluate(() => (window as unknown as { lifeSeen: [string, string][] }).lifeSeen);

async function loadModel(page: Page): Promise<void> {
  await page.goto(`${inject('baseUrl')}?model=synthetic-llava-tiny&dtype=fp32`);
  await page.getByRole('button', { name: 'Load model' }).click();
  await page.getByTestId('model-status').waitFor({ timeout: 60_000 });
}

/**
 * POPE random, custom: greedy, 2 new tokens, k 2 of the 16 image tokens, 13 questions; the folder through its input.
 */
async function chooseRun(panel: Locator, folder: string): Promise<void> {
  const choose = (name: string, value: string) =>
    panel.getByRole('combobox', { name, exact: true }).selectOption(value);
  const type = (name: string, value: number) =>
    panel.getByRole('spinbutton', { name, exact: true }).fill(String(value));
  await choose('Benchmark', 'pope');
  await choose('Split', 'random');
  await choose('Settings', 'custom');
  await choose('Decoding', 'greedy');
  await type('k', 2);
  await type('Max new tokens', 2);
  await type('Questions (0 = all)', LIMIT);
  await panel.getByLabel('Image folder', { exact: true }).setInputFiles(folder);
}

const progressOf = async (panel: Locator) => {
  const match = /(\d+)\/(\d+) questions/.exec((await panel.getByTestId('eval-progress').textContent()) ?? '');
  return match ? { done: Number(match[1]), total: Number(match[2]) } : undefined;
};

const percent = (value: number) => (Number.isNaN(value) ? 'n/a' : (100 * value).toFixed(2));

describe('the benchmark panel in Chromium with the demo model', () => {
  let browser: Browser;
  let folder: string;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('pauses POPE after an image, keeps the answers across a reload, resumes only the rest, and scores them as pope.ts does', async () => {
    const questions = parsePopeQuestions(repoData(QUESTIONS)).slice(0, IMAGES * PER_IMAGE);
    folder = await writeImageFolder([...new Set(questions.map((q) => q.image))]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    await context.addInitScript(COUNT_ASKED);
    const page = await context.newPage();
    const errors = collectErrors(page);
    const panel = page.getByRole('region', { name: 'Benchmarks' });

    await loadModel(page);
    await chooseRun(panel, folder);
    expect(await panel.getByText(/^Image folder: pope-images-\w+ \(3 files\)$/).count()).toBe(1);
    await recordLife(page);
    await panel.getByRole('button', { name: 'Start' }).click();
    // Life from Start on, before any token: the clock names the question in work and counts the seconds.
    await expect
      .poll(() => panel.getByTestId('eval-clock').textContent(), { timeout: 30_000 })
      .toMatch(/^Working: answering question 1 of \d+ · .+ since Start · /);
    await screenshot(page, 'eval-0-started');
    // The first tokens wait for the vision pass and the decoder's shaders to compile on a loaded machine.
    await panel.getByTestId('eval-tokens').waitFor({ timeout: 150_000 });
    await screenshot(page, 'eval-0-tokens-streaming');
    // Pause takes effect between images: pressed while the first is answered, the run stops after it.
    const pause = panel.getByRole('button', { name: 'Pause' });
    await expect.poll(() => pause.isEnabled(), { timeout: 20_000 }).toBe(true);
    await pause.click();
    await expect
      .poll(() => panel.getByTestId('eval-progress').textContent(), { timeout: 30_000 })
      .toMatch(/\(paused\)$/);
    const paused = await progressOf(panel);
    const kept = await keptAnswers(page);
    expect(paused?.total).toBe(IMAGES * PER_IMAGE);
    expect(paused?.done).toBeGreaterThanOrEqual(PER_IMAGE);
    expect(paused?.done).toBeLessThan(IMAGES * PER_IMAGE);
    expect(kept.map((row) => row.key).sort()).toEqual(
      questions
        .slice(0, paused!.done)
        .map((q) => String(q.questionId))
        .sort(),
    );
    expect((await askedKeys(page)).sort()).toEqual(kept.map((row) => row.key).sort());
    await screenshot(page, 'eval-1-paused');
    // Before the first image's answers came back, its questions' tokens were already streaming.
    const early = (await lifeSeen(page)).filter(([progress]) => progress.startsWith('0/18 questions'));
    expect(early.length, 'token counts seen while no answer had arrived').toBeGreaterThan(1);
    for (const [, tokens] of early)
      expect(tokens).toMatch(
        /^Question \d+: \d tokens? so far \(both captions\) · \d+ since Start, (\d+\.\d|…) tokens\/s$/,
      );
    const counts = early.map(([, tokens]) => Number(/ (\d+) since Start/.exec(tokens)![1]));
    expect(counts.every((n, i) => i === 0 || n >= counts[i - 1])).toBe(true);
    expect(counts.at(-1)!, 'the count grew while the first answers were computed').toBeGreaterThan(counts[0]);

    await page.reload();
    await loadModel(page);
    await chooseRun(panel, folder);
    await expect
      .poll(() => panel.getByTestId('eval-kept').textContent())
      .toBe(`${paused!.done} answers with these settings kept in this browser: Start asks only the other questions.`);
    await recordProgress(page);
    await panel.getByRole('button', { name: 'Start' }).click();
    // After the reload the shaders compile again before the first answer.
    await expect
      .poll(() => panel.getByTestId('eval-progress').textContent(), { timeout: 180_000 })
      .toMatch(/\(done\)$/);
    expect((await progressSeen(page))[0], 'the resumed run starts at the kept count').toBe(
      `${paused!.done}/${IMAGES * PER_IMAGE} questions (running)`,
    );
    expect(await askedKeys(page), 'the resumed run asks only the questions not kept').toEqual(
      questions.slice(paused!.done).map((q) => String(q.questionId)),
    );
    expect(await progressOf(panel)).toEqual({ done: IMAGES * PER_IMAGE, total: IMAGES * PER_IMAGE });
    await screenshot(page, 'eval-2-done');

    const answers = new Map((await keptAnswers(page)).map((row) => [row.key, row.outputs]));
    expect([...answers.keys()].sort()).toEqual(questions.map((q) => String(q.questionId)).sort());
    for (const [key, outputs] of answers) expect(Object.keys(outputs).sort(), key).toEqual(['baseline', 'damro']);
    const expected = Object.fromEntries(
      (['baseline', 'damro'] as const).map((method) => [
        method,
        popeMetrics(
          countPopeAnswers(
            questions,
            questions.map((q) => ({ questionId: q.questionId, output: answers.get(String(q.questionId))![method] })),
          ),
        ),
      ]),
    ) as Record<'baseline' | 'damro', PopeMetrics>;

    const table = panel.getByRole('table', { name: /^POPE random/ });
    const metrics = ['accuracy', 'precision', 'recall', 'f1', 'yesRatio'] as const;
    expect(
      await table
        .getByRole('row', { name: /^random/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(metrics.flatMap((m) => [percent(expected.baseline[m]), percent(expected.damro[m])]));

    const [json] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Results as JSON' }).click(),
    ]);
    expect(json.suggestedFilename()).toBe('damro-lens-benchmarks.json');
    const [summary] = JSON.parse(await readFile((await json.path())!, 'utf8')) as BenchmarkSummary[];
    expect(summary).toMatchObject({ benchmark: 'pope', split: 'random' });
    for (const m of metrics) {
      for (const method of ['baseline', 'damro'] as const) {
        const value = expected[method][m];
        expect(summary.rows[0].values[m]?.[method], `${m} ${method}`).toBe(Number.isNaN(value) ? null : value);
      }
    }
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Results as CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toBe('damro-lens-benchmarks.csv');
    const lines = (await readFile((await csv.path())!, 'utf8')).trim().split('\n');
    expect(lines).toEqual([
      'benchmark,split,group,metric,baseline,damro',
      ...metrics.map((m) =>
        [
          'pope',
          'random',
          'random',
          m,
          ...(['baseline', 'damro'] as const).map((method) =>
            Number.isNaN(expected[method][m]) ? '' : String(expected[method][m]),
          ),
        ].join(','),
      ),
    ]);

    await panel.getByRole('button', { name: 'Forget kept answers' }).click();
    await expect.poll(() => keptAnswers(page)).toEqual([]);
    expect(await panel.getByTestId('eval-kept').count()).toBe(0);

    expect(errors).toEqual([]);
    await context.close();
  }, 420_000);
});
