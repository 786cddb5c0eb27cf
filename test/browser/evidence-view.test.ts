// The hallucination-evidence view end to end: the built site in Chromium, the demo model, a 4-image CHAIR run
// over a picked folder. After the run every chart of the view must be drawn (a screenshot of each with many
// colours, not a blank box), and the layer-test CSV the view downloads must equal the core pipeline — what
// `npm run eval -- evidence` runs — computed here in Node from the answers and evidence the worker sent the page.
// Then an interactive caption of a CHAIR image adds the page's own evidence, the view's second source.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { chairCaptionLabeller, DEFAULT_DATA_DIR } from '../../src/cli/data';
import { comparisonsCsv } from '../../src/core/evidence/csv';
import { runEvidence } from '../../src/core/evidence/run-evidence';
import type { EvalImageResult } from '../../src/protocol/messages';
import { encodePng } from '../support/png';
import { repoData } from '../support/repo-data';
import { collectErrors, screenshot, useChromium } from './chromium';

const IMAGES = repoData('coder-gx__DAMRO/data/chair/coco_pope_random.jsonl')
  .split('\n')
  .slice(0, 4)
  .map((l) => JSON.parse(l) as { image: string; image_id: number });
const CHART_IDS = [
  'distribution-share-all',
  'difference-share',
  'methods-share',
  'distribution-overlap-all',
  'difference-overlap',
  'methods-overlap',
];

/** Keeps every eval/image result the worker sends (a Worker subclass installed before the app runs). */
const CAPTURE_RESULTS = () => {
  const results: unknown[] = [];
  Object.assign(window, { evalResults: results });
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      this.addEventListener('message', (event: MessageEvent) => {
        const data = event.data as { kind?: string; response?: { ok: boolean; result?: { answers?: unknown } } };
        if (data?.kind === 'response' && data.response?.ok && data.response.result?.answers)
          results.push(data.response.result);
      });
    }
  };
};

/** Distinct colours in a PNG, counted by the page itself (canvas pixels). */
function coloursIn(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: image.width, height: image.height });
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  }, png.toString('base64'));
}

describe('hallucination evidence view in Chromium', () => {
  const chromium = useChromium();
  let folder: string | undefined;
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('draws every chart after a small CHAIR run, and its CSV equals the core pipeline over the same answers', async () => {
    folder = await mkdtemp(join(tmpdir(), 'chair-images-'));
    for (const [n, { image }] of IMAGES.entries()) {
      const rgba = new Uint8ClampedArray(48 * 40 * 4);
      for (let p = 0; p < 48 * 40; p++)
        rgba.set([(p * 11 + 70 * n) % 256, (p * 5 + 30 * n) % 256, (90 * n + (p % 48) * 4) % 256, 255], p * 4);
      await writeFile(join(folder, image), encodePng(rgba, 48, 40));
    }
    const context = await chromium.browser.newContext({
      viewport: { width: 1400, height: 1000 },
      acceptDownloads: true,
    });
    await context.addInitScript(CAPTURE_RESULTS);
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${inject('baseUrl')}?model=synthetic-llava-tiny&dtype=fp32`);
    await page.getByRole('button', { name: 'Load model' }).click();
    await page.getByTestId('model-status').waitFor({ timeout: 60_000 });
    const panel = page.getByRole('region', { name: 'Benchmarks' });
    const choose = (name: string, value: string) =>
      panel.getByRole('combobox', { name, exact: true }).selectOption(value);
    const type = (name: string, value: number) =>
      panel.getByRole('spinbutton', { name, exact: true }).fill(String(value));
    await choose('Benchmark', 'chair');
    await choose('Settings', 'custom');
    await choose('Decoding', 'greedy');
    await type('k', 2);
    await type('Max new tokens', 16);
    await type('Questions (0 = all)', IMAGES.length);
    await panel.getByLabel('Image folder', { exact: true }).setInputFiles(folder);
    await panel.getByRole('button', { name: 'Start' }).click();
    await expect
      .poll(() => panel.getByTestId('eval-progress').textContent(), { timeout: 120_000 })
      .toMatch(/\(done\)$/);

    const view = page.getByRole('region', { name: 'Hallucination evidence' });
    await view.waitFor({ timeout: 30_000 });
    await screenshot(page, 'evidence-view');
    for (const id of CHART_IDS) {
      const figure = view.locator(`[data-chart="${id}"] svg`);
      const colours = await coloursIn(page, await figure.screenshot());
      expect(colours, `${id} is drawn`).toBeGreaterThan(20);
    }

    const results = await page.evaluate(() => (window as unknown as { evalResults: EvalImageResult[] }).evalResults);
    const items = results
      .flatMap((r) => r.answers)
      .map((answer) => ({
        image: IMAGES.find((i) => String(i.image_id) === answer.key)!.image,
        outputs: answer.outputs,
        evidence: answer.evidence,
      }));
    expect(items).toHaveLength(IMAGES.length);
    expect(items.every((i) => i.evidence)).toBe(true);
    const core = runEvidence(items, await chairCaptionLabeller(DEFAULT_DATA_DIR));
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      view.getByRole('button', { name: 'All layer tests as CSV' }).click(),
    ]);
    expect(await readFile((await csv.path())!, 'utf8')).toBe(comparisonsCsv(core.summary));
    const [chartCsv] = await Promise.all([
      page.waitForEvent('download'),
      view.locator('[data-chart="difference-share"]').getByRole('button', { name: 'Data as CSV' }).click(),
    ]);
    expect(await readFile((await chartCsv.path())!, 'utf8')).toBe(comparisonsCsv(core.summary, 'share'));
    const [svg] = await Promise.all([
      page.waitForEvent('download'),
      view.locator('[data-chart="distribution-share-all"]').getByRole('button', { name: 'SVG' }).click(),
    ]);
    expect(await readFile((await svg.path())!, 'utf8')).toMatch(/^<svg xmlns/);
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      view.locator('[data-chart="methods-share"]').getByRole('button', { name: 'PNG' }).click(),
    ]);
    expect(png.suggestedFilename()).toBe('damro-lens-methods-share.png');

    // Captions made on the page: a CHAIR image (known objects) opened and captioned interactively adds its words.
    await page
      .getByRole('region', { name: 'Image' })
      .locator('input[type=file]')
      .setInputFiles(join(folder, IMAGES[0].image));
    for (const kind of ['baseline', 'damro'])
      await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 150_000 });
    await view.getByRole('combobox', { name: 'Evidence of' }).waitFor({ timeout: 30_000 });
    await view.getByRole('combobox', { name: 'Evidence of' }).selectOption('session');
    await expect.poll(() => view.textContent()).toMatch(/2 captions made on this page since it opened \(1 runs\)/);
    expect(await view.locator('[data-chart] svg').count()).toBe(CHART_IDS.length);
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);
});
