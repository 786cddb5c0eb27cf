// GPT-4V-aided evaluation in the built site (Chromium) and in the CLI, both against a chat-completions server
// this test starts on loopback (another origin than the site, so over CORS). The site sends nothing until the
// person agrees in the consent dialog (the server and the page's own request log both count zero before);
// declining sends nothing either. Both runs judge the same three images with the same scripted verdicts (a
// 500, a 429, a malformed answer on the way, one image never answered in the format) and must report the same
// per-item scores, the same averages and the same count of malformed items. The key appears in no export, URL,
// console line or kept row, and is kept in localStorage only when the person ticks "remember".
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli/eval';
import type { BenchmarkSummary } from '../../src/core/eval/benchmark';
import { gpt4vBenchmark } from '../../src/core/eval/gpt4v-benchmark';
import { gpt4vAnswerArgs } from '../support/eval-cli';
import { encodePng } from '../support/png';
import { repoData } from '../support/repo-data';
import { startJudgeServer, troubledJudging, type JudgeServer } from '../support/judge-server';
import { screenshot, useChromium } from './chromium';

const KEY = 'sk-browser-secret-7c4a8d09ca3762af61e59520943dc26494f8941b';
const JUDGE = 'judge-vision';
const SOURCE = 'coder-gx__DAMRO/data/gpt4v/gpt4v.jsonl';
const items = gpt4vBenchmark.parse({ [SOURCE]: repoData(SOURCE) }, 'coco30').slice(0, 9);
const names = [...new Set(items.map((i) => i.image))];
/** 7 questions round up to whole images: three images, nine items. */
const LIMIT = 7;

const chromium = useChromium();
let folder: string;
const pictures: Uint8Array[] = [];
const servers: JudgeServer[] = [];

/** A fresh server per run, so that both runs meet the same failures in the same order. */
async function judgeServer(): Promise<JudgeServer> {
  const images = troubledJudging(names, pictures, 'Accuracy: 7/10 7/10\nDetailedness: 7 7');
  const server = await startJudgeServer({ images, apiKey: KEY, model: JUDGE });
  servers.push(server);
  return server;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gpt4v-images-'));
  for (const [n, name] of names.entries()) {
    const rgba = new Uint8ClampedArray(32 * 32 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * (n + 7) * 11) % 256));
    pictures.push(encodePng(rgba, 32, 32));
    await writeFile(join(folder, name), pictures[n]);
  }
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** What both runs must agree on: per item its scores or its problem, the averages and the notes. */
const comparable = (summary: BenchmarkSummary) => ({
  rows: summary.rows,
  notes: summary.notes,
  items: summary.items?.map(({ key, values, problem }) => ({ key, values, problem })),
});

async function chooseRun(page: Page, panel: Locator, judge: JudgeServer): Promise<void> {
  const choose = (name: string, value: string) =>
    panel.getByRole('combobox', { name, exact: true }).selectOption(value);
  await page.goto(`${inject('baseUrl')}?model=synthetic-llava-tiny&dtype=fp32`);
  await page.getByRole('button', { name: 'Load model' }).click();
  await page.getByTestId('model-status').waitFor({ timeout: 60_000 });
  await choose('Benchmark', 'gpt4v');
  await choose('Settings', 'custom');
  await choose('Decoding', 'greedy');
  await panel.getByRole('spinbutton', { name: 'k', exact: true }).fill('2');
  await panel.getByRole('spinbutton', { name: 'Max new tokens', exact: true }).fill('4');
  await panel.getByRole('spinbutton', { name: 'Questions (0 = all)', exact: true }).fill(String(LIMIT));
  await panel.getByLabel('Image folder', { exact: true }).setInputFiles(folder);
  await panel.getByLabel('Judge base URL', { exact: true }).fill(judge.baseUrl);
  await panel.getByLabel('Judge model', { exact: true }).fill(JUDGE);
}

describe('GPT-4V-aided evaluation against a loopback judge', () => {
  let cli: BenchmarkSummary;

  it('the CLI run (Node backend) judges the nine items', async () => {
    const work = await mkdtemp(join(tmpdir(), 'gpt4v-cli-'));
    const cliJudge = await judgeServer();
    const err: string[] = [];
    const out: string[] = [];
    const argv = [
      ...gpt4vAnswerArgs(folder, 'synthetic-llava-tiny', LIMIT),
      '--out',
      work,
      '--judge-url',
      cliJudge.baseUrl,
      '--judge-model',
      JUDGE,
      '--yes',
    ];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { JUDGE_API_KEY: KEY } });
    expect(code, err.join('\n')).toBe(0);
    cli = (JSON.parse(await readFile(join(work, 'metrics.json'), 'utf8')) as { summary: BenchmarkSummary }).summary;
    await rm(work, { recursive: true, force: true });
    expect(cli.notes[1]).toBe('3 malformed judge answers left out of the averages');
  }, 400_000);

  it('the site asks before sending, then scores every item as the CLI did, with the key nowhere but the request header', async () => {
    const judge = await judgeServer();
    const context = await chromium.browser.newContext({
      viewport: { width: 1280, height: 1400 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const consoleLines: string[] = [];
    const pageErrors: string[] = [];
    const requested: string[] = [];
    const toJudge = () => requested.filter((url) => url.startsWith(new URL(judge.baseUrl).origin));
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => void requested.push(r.url()));
    const panel = page.getByRole('region', { name: 'Benchmarks' });
    await chooseRun(page, panel, judge);
    await panel.getByLabel('API key', { exact: true }).fill(KEY);

    const dialog = page.getByRole('alertdialog', { name: 'Send images to the judge?' });
    await panel.getByRole('button', { name: 'Start' }).click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(
      `This run will send 9 requests to ${judge.baseUrl}/chat/completions (model ${JUDGE}). Each carries one of 3 images from your folder`,
    );
    await screenshot(page, 'gpt4v-1-consent');
    // The run waits here: no answers are generated and nothing reaches the judge while the question is open.
    await page.waitForTimeout(1500);
    expect(judge.seen).toHaveLength(0);
    expect(toJudge()).toEqual([]);
    await dialog.getByRole('button', { name: "Don't send" }).click();
    await expect.poll(() => panel.getByRole('button', { name: 'Resume' }).isEnabled()).toBe(true);
    expect(await dialog.count()).toBe(0);
    expect(judge.seen).toHaveLength(0);
    expect(toJudge()).toEqual([]);

    await panel.getByRole('button', { name: 'Resume' }).click();
    await dialog.waitFor();
    expect(judge.seen).toHaveLength(0);
    await dialog.getByRole('button', { name: 'Send to the judge' }).click();
    await expect
      .poll(() => panel.getByTestId('eval-progress').textContent(), { timeout: 150_000 })
      .toMatch(/\(done\)$/);
    expect(await panel.getByTestId('judge-progress').textContent()).toBe(
      `Judge: 9 requests to ${judge.baseUrl}/chat/completions; judged 9/9 items`,
    );
    // Image 0: a 500 then verdicts (3 + 1); image 1: a 429 and a malformed answer asked again (3 + 2); image 2: 5 tries
    // × 3.
    expect(judge.seen.filter((r) => r.image === names[0])).toHaveLength(4);
    expect(judge.seen.filter((r) => r.image === names[1])).toHaveLength(5);
    expect(judge.seen.filter((r) => r.image === names[2])).toHaveLength(15);
    expect(judge.seen.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
    await panel.getByText('Per-item judge scores').click();
    await screenshot(page, 'gpt4v-2-done');

    const [json] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Results as JSON' }).click(),
    ]);
    const jsonText = await readFile((await json.path())!, 'utf8');
    const [summary] = JSON.parse(jsonText) as BenchmarkSummary[];
    expect(comparable(summary)).toEqual(comparable(cli));
    expect(summary.rows[0]).toEqual({
      group: 'all',
      values: { accuracy: { baseline: 5, damro: 8.5 }, detailedness: { baseline: 4, damro: 7.5 } },
    });
    const perItem = panel.getByRole('table', { name: 'GPT-4V-aided per item' });
    expect(
      await perItem
        .getByRole('row', { name: new RegExp(`^${names[2].replaceAll('.', '\\.')}`) })
        .first()
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['conv', 'no scores: Accuracy: scores must be whole numbers from 1 to 10, got "7/10 7/10"']);
    const paper = panel.getByRole('table', { name: /as the paper reports them/ });
    expect(
      await paper
        .getByRole('row', { name: /\(this run\)/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['5.000 / 4.000', '8.500 / 7.500']);
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Results as CSV' }).click(),
    ]);
    const csvText = await readFile((await csv.path())!, 'utf8');

    const kept = await page.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          const open = indexedDB.open('damro-lens-eval');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const request = open.result.transaction('answers').objectStore('answers').getAll();
            request.onsuccess = () => resolve(JSON.stringify(request.result));
          };
        }),
    );
    expect(kept).toContain('"tries":5');
    for (const [what, text] of [
      ['JSON export', jsonText],
      ['CSV export', csvText],
      ['IndexedDB', kept],
      ['page URLs', `${page.url()}\n${requested.join('\n')}`],
      ['console', consoleLines.join('\n')],
      ['localStorage', JSON.stringify(await page.evaluate(() => ({ ...localStorage })))],
    ]) {
      expect(text, what).not.toContain(KEY);
    }
    expect(pageErrors).toEqual([]);

    // Remembered only when asked: then kept for this site, filled in after a reload, and gone when unticked.
    await panel.getByRole('checkbox', { name: 'Remember the key on this device' }).check();
    expect(await page.evaluate(() => localStorage.getItem('damro-lens-judge-key'))).toBe(KEY);
    await chooseRun(page, panel, judge);
    expect(await panel.getByLabel('API key', { exact: true }).inputValue()).toBe(KEY);
    await panel.getByRole('checkbox', { name: 'Remember the key on this device' }).uncheck();
    expect(await page.evaluate(() => localStorage.getItem('damro-lens-judge-key'))).toBeNull();
    await context.close();
  }, 400_000);
});
