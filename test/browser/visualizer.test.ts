// The visualizer end to end: the built site in Chromium (WebGPU on SwiftShader without a GPU), the embedded
// synthetic demo model, a generated image dropped on the page, both captions, a token's heatmap, live k,
// and the JSON export checked against the version-1 schema. Screenshots of the main states go to test-results/.
import { readFile, writeFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { validateRunExport, type RunExportV1 } from '../../src/core/export/run-export';
import { patchRectInImage, planProcessor, type PatchIndex } from '../../src/core/geometry';
import { collectErrors, useChromium, screenshot } from './chromium';
import { dropDrawnPng } from './image-drop';

const IMAGE = { width: 320, height: 240 };

/** Drops a flat grey PNG made in the page: on a flat image every colour change in an overlay is the heatmap's. */
async function dropGeneratedImage(page: Page): Promise<void> {
  await dropDrawnPng(page, 'flat-grey.png', { ...IMAGE, colours: [[128, 128, 128]] });
}

/**
 * Colours a quarter of the way into each patch (clear of the outline at the edge and the rank at the centre),
 * for a 32 px shortest-edge resize and 32 × 32 crop on a 4 × 4 grid, the demo model's processor.
 */
async function patchColours(page: Page, label: RegExp): Promise<string[]> {
  const plan = planProcessor(IMAGE, [
    { op: 'resize-aspect', shortestEdge: 32 },
    { op: 'center-crop', width: 32, height: 32, align: 'canvas' },
  ]);
  const grid = { rows: 4, cols: 4 };
  const points = Array.from({ length: 16 }, (_, i) => {
    const r = patchRectInImage(plan, grid, i as PatchIndex);
    return { x: (r.x + r.width / 4) / IMAGE.width, y: (r.y + r.height / 4) / IMAGE.height };
  });
  const canvas = page.getByRole('img', { name: label });
  return canvas.evaluate((element, samples) => {
    const c = element as HTMLCanvasElement;
    const context = c.getContext('2d')!;
    // The image fills the canvas: 320 × 240 into a 480 × 360 view.
    return samples.map(({ x, y }) =>
      Array.from(context.getImageData(Math.floor(x * c.width), Math.floor(y * c.height), 1, 1).data).join(','),
    );
  }, points);
}

/** How many different colours a canvas holds. */
const distinctColours = (canvas: Locator): Promise<number> =>
  canvas.evaluate((element) => {
    const c = element as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  });

describe('the visualizer in Chromium with the demo model', () => {
  const chromium = useChromium();

  it('captions a dropped image twice, shows a token heatmap, follows k, and exports a valid run', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const errors = collectErrors(page);
    // File choosers are intercepted from the start: Playwright switches interception on asynchronously when a
    // listener is added, so a listener added only as Enter is pressed can miss the chooser it opens.
    page.on('filechooser', () => undefined);
    await page.goto(`${inject('baseUrl')}?model=synthetic-llava-tiny&dtype=fp32`);
    await expect
      .poll(() => page.locator('[data-backend]').getAttribute('data-backend'), { timeout: 60_000 })
      .toBe('webgpu');
    await expect.poll(() => page.getByRole('note').textContent()).toMatch(/Synthetic model with random weights/);

    await page.getByRole('button', { name: 'Load model' }).click();
    await page.getByTestId('model-status').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('model-status').textContent()).toMatch(
      /^Loaded synthetic-llava-tiny \(fp32, webgpu\) · 4×4 image tokens$/,
    );
    await screenshot(page, 'visualizer-1-model-loaded');

    await dropGeneratedImage(page);
    for (const kind of ['baseline', 'damro'])
      await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 150_000 });
    const damroTokens = page.locator('[data-caption=damro] .token');
    expect(await damroTokens.count()).toBeGreaterThan(0);
    expect(await page.locator('[data-caption=baseline] .token').count()).toBeGreaterThan(0);
    expect(
      new Set(await patchColours(page, /Outlier score heatmap/)).size,
      'the CLS heatmap colours the flat image',
    ).toBeGreaterThan(3);
    await screenshot(page, 'visualizer-2-captions');

    await damroTokens.first().click();
    const tokenCanvas = page.getByRole('img', { name: /Decoder attention of token/ });
    await expect.poll(() => tokenCanvas.getAttribute('data-heatmap')).toBe('on');
    expect(
      new Set(await patchColours(page, /Decoder attention of token/)).size,
      'the token heatmap colours the flat image',
    ).toBeGreaterThan(1);
    expect(await page.getByTestId('outlier-share').locator('strong').textContent()).toMatch(/^\d+(\.\d)?%$/);
    // The clicked token's layer × head grid (2 layers × 4 heads of the demo model) and each caption's share strip.
    const grid = page.getByTestId('head-grid');
    await grid.waitFor({ timeout: 30_000 });
    expect(await distinctColours(grid), 'the layer × head grid shows differing maps').toBeGreaterThan(4);
    for (const kind of ['baseline', 'damro'])
      expect(await distinctColours(page.getByTestId(`share-strip-${kind}`)), `${kind} strip`).toBeGreaterThan(1);
    // The token's attention over the text it saw: step 0 saw the prompt only, LLaVA's template as the synthetic
    // vocabulary spells it, the image tokens after "user:". Image, prompt and caption take all of it (one softmax).
    const text = page.getByTestId('text-attention');
    await text.waitFor({ timeout: 30_000 });
    expect(await text.locator('.text-attention__token--prompt').allTextContents()).toEqual([
      ...['<s>', 'user', ':', 'generate', 'a', 'short', 'caption', 'of', 'this', 'image', '.', 'assistant', ':'],
    ]);
    expect(await text.locator('.text-attention__token--caption').count()).toBe(0);
    const totals =
      /^Over the text: (\d+\.\d)% on the prompt, (\d+\.\d)% on the caption so far, (\d+\.\d)% on the image$/.exec(
        (await text.locator('figcaption').first().textContent()) ?? '',
      );
    expect(totals, 'the totals line').not.toBeNull();
    expect(Number(totals![1]) + Number(totals![2]) + Number(totals![3])).toBeCloseTo(100, 0);
    const backgrounds = await text
      .locator('.text-attention__token')
      .evaluateAll((els) => els.map((el) => (el as HTMLElement).style.background));
    expect(new Set(backgrounds).size, 'the text tokens are coloured by their attention').toBeGreaterThan(1);
    expect(await page.getByTestId('colour-legend').count()).toBe(3);
    await screenshot(page, 'visualizer-3-token');

    const encoder = page.getByRole('img', { name: /Outlier score heatmap/ });
    // k starts at the demo model's default: ⌈16 · 10 / 576⌉ = 1 of its 16 image tokens.
    expect(await encoder.getAttribute('data-outline-count')).toBe('1');
    const slider = page.getByLabel(/^k = /);
    await slider.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => encoder.getAttribute('data-outline-count')).toBe('3');
    expect(await page.getByTestId('outlier-list').locator('li').count()).toBe(3);
    expect(new URL(page.url()).searchParams.get('k')).toBe('3');
    await screenshot(page, 'visualizer-4-k3');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Run as JSON' }).click(),
    ]);
    const run = JSON.parse(await readFile((await download.path())!, 'utf8')) as RunExportV1;
    expect(validateRunExport(run)).toEqual([]);
    expect(run.model).toMatchObject({
      id: 'synthetic-llava-tiny',
      synthetic: true,
      backend: 'webgpu',
      tokenGrid: { rows: 4, cols: 4 },
    });
    expect(run.settings.k).toBe(1);
    expect(run.captions.damro.tokens).toHaveLength(await damroTokens.count());
    expect(run.image).toMatchObject({ name: 'flat-grey.png', width: 320, height: 240 });

    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Overlay as PNG' }).click(),
    ]);
    const pngBytes = await readFile((await png.path())!);
    expect(pngBytes.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    // The image's own 320 px width; below its 240 rows, a white legend band with the colour bar.
    const exported = await page.evaluate(
      async ({ base64, imageHeight }) => {
        const bitmap = await createImageBitmap(
          new Blob([Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))], { type: 'image/png' }),
        );
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d')!;
        context.drawImage(bitmap, 0, 0);
        const data = context.getImageData(0, imageHeight, bitmap.width, bitmap.height - imageHeight).data;
        const band = new Set<string>();
        for (let i = 0; i < data.length; i += 4) band.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
        return { width: bitmap.width, height: bitmap.height, white: band.has('255,255,255'), colours: band.size };
      },
      { base64: pngBytes.toString('base64'), imageHeight: IMAGE.height },
    );
    expect(exported.width).toBe(IMAGE.width);
    expect(exported.height).toBeGreaterThan(IMAGE.height + 40);
    expect(exported.white, 'a white legend band').toBe(true);
    expect(exported.colours, 'text and a colour bar on it').toBeGreaterThan(50);
    await writeFile(new URL('../../test-results/visualizer-6-exported-overlay.png', import.meta.url), pngBytes);
    expect(run.labels?.captions.damro.words, 'the export holds the labels').toBeDefined();

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'visualizer-5-phone');

    const shared = await chromium.browser.newPage();
    await shared.goto(page.url());
    await expect.poll(() => shared.getByLabel('k (outliers)').inputValue()).toBe('3');
    await shared.close();

    // Keyboard. Escape lets go of the selected token (the pointer moved off the captions first).
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.mouse.move(0, 0);
    await damroTokens.first().click();
    await page.mouse.move(0, 0);
    await page.getByTestId('token-label').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('token-label').count()).toBe(0);
    // The file input, reached with the keyboard, shows its focus on its button and opens on Enter.
    await page.getByTestId('sample').first().focus();
    await page.keyboard.press('Shift+Tab');
    const fileInput = page.getByLabel('Choose a file…');
    expect(await fileInput.evaluate((el) => el === document.activeElement && el.matches(':focus-visible'))).toBe(true);
    expect(
      await page
        .locator('label', { hasText: 'Choose a file…' })
        .evaluate((el) => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]),
    ).toEqual(['solid', '2px']);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
    expect(await chooser.element().evaluate((el) => el === document.activeElement)).toBe(true);
    await screenshot(page, 'visualizer-7-file-input-focus');
    // An arrow key on the model menu only chooses another model; the loaded one stays until Load.
    const captionBefore = await page.locator('[data-caption=damro]').textContent();
    const menu = page.getByRole('combobox', { name: 'Model', exact: true });
    await menu.focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => menu.inputValue()).toBe('synthetic-smolvlm-tiny');
    expect(await page.getByTestId('model-status').textContent()).toMatch(
      /^Loaded synthetic-llava-tiny \(fp32, webgpu\)/,
    );
    expect(await page.getByRole('button', { name: 'Load model' }).isEnabled()).toBe(true);
    expect(await page.locator('[data-caption=damro]').textContent()).toBe(captionBefore);
    await screenshot(page, 'visualizer-8-model-chosen-not-loaded');

    expect(errors).toEqual([]);
    await page.close();
  }, 360_000);
});
