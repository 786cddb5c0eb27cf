// The visualizer end to end: the built site in Chromium (WebGPU on SwiftShader without a GPU), the embedded
// synthetic demo model, a generated image dropped on the page, both captions, a token's heatmap, live k,
// and the JSON export checked against the version-1 schema. Screenshots of the main states go to test-results/.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { validateRunExport, type RunExportV1 } from '../../src/core/export/run-export';
import { patchRectInImage, planProcessor, type PatchIndex } from '../../src/core/geometry';
import { collectErrors, useChromium, screenshot } from './chromium';

const IMAGE = { width: 320, height: 240 };

/** Drops a flat grey PNG made in the page: on a flat image every colour change in an overlay is the heatmap's. */
async function dropGeneratedImage(page: Page): Promise<void> {
  const dataTransfer = await page.evaluateHandle(async ({ width, height }) => {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d')!;
    context.fillStyle = 'rgb(128, 128, 128)';
    context.fillRect(0, 0, width, height);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], 'flat-grey.png', { type: 'image/png' }));
    return transfer;
  }, IMAGE);
  await page.dispatchEvent('[data-testid=image-drop]', 'drop', { dataTransfer });
}

/**
 * Colours a quarter of the way into each patch (clear of the outline at the edge and the rank at the centre),
 * for a 32 px shortest-edge resize and 32 × 32 crop on a 4 × 4 grid, the demo model's processor.
 */
async function patchColours(page: Page, label: RegExp): Promise<string[]> {
  const plan = planProcessor(IMAGE, [{ op: 'resize-aspect', shortestEdge: 32 }, { op: 'center-crop', width: 32, height: 32, align: 'canvas' }]);
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
    return samples.map(({ x, y }) => Array.from(context.getImageData(Math.floor(x * c.width), Math.floor(y * c.height), 1, 1).data).join(','));
  }, points);
}

describe('the visualizer in Chromium with the demo model', () => {
  const chromium = useChromium();

  it('captions a dropped image twice, shows a token heatmap, follows k, and exports a valid run', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const errors = collectErrors(page);
    await page.goto(`${inject('baseUrl')}?model=synthetic-llava-tiny&dtype=fp32`);
    await expect.poll(() => page.locator('[data-backend]').getAttribute('data-backend'), { timeout: 60_000 }).toBe('webgpu');
    await expect.poll(() => page.getByRole('note').textContent()).toMatch(/Synthetic model with random weights/);

    await page.getByRole('button', { name: 'Load model' }).click();
    await page.getByTestId('model-status').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('model-status').textContent()).toMatch(/^Loaded synthetic-llava-tiny \(fp32, webgpu\) · 4×4 image tokens$/);
    await screenshot(page, 'visualizer-1-model-loaded');

    await dropGeneratedImage(page);
    for (const kind of ['baseline', 'damro']) await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 150_000 });
    const damroTokens = page.locator('[data-caption=damro] .token');
    expect(await damroTokens.count()).toBeGreaterThan(0);
    expect(await page.locator('[data-caption=baseline] .token').count()).toBeGreaterThan(0);
    expect(new Set(await patchColours(page, /Outlier score heatmap/)).size, 'the CLS heatmap colours the flat image').toBeGreaterThan(3);
    await screenshot(page, 'visualizer-2-captions');

    await damroTokens.first().click();
    const tokenCanvas = page.getByRole('img', { name: /Decoder attention of token/ });
    await expect.poll(() => tokenCanvas.getAttribute('data-heatmap')).toBe('on');
    expect(new Set(await patchColours(page, /Decoder attention of token/)).size, 'the token heatmap colours the flat image').toBeGreaterThan(1);
    expect(await page.getByTestId('outlier-share').locator('strong').textContent()).toMatch(/^\d+(\.\d)?%$/);
    await screenshot(page, 'visualizer-3-token');

    const encoder = page.getByRole('img', { name: /Outlier score heatmap/ });
    expect(await encoder.getAttribute('data-outline-count')).toBe('10');
    const slider = page.getByLabel(/^k = /);
    await slider.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => encoder.getAttribute('data-outline-count')).toBe('3');
    expect(await page.getByTestId('outlier-list').locator('li').count()).toBe(3);
    expect(new URL(page.url()).searchParams.get('k')).toBe('3');
    await screenshot(page, 'visualizer-4-k3');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Run as JSON' }).click()]);
    const run = JSON.parse(await readFile((await download.path())!, 'utf8')) as RunExportV1;
    expect(validateRunExport(run)).toEqual([]);
    expect(run.model).toMatchObject({ id: 'synthetic-llava-tiny', synthetic: true, backend: 'webgpu', tokenGrid: { rows: 4, cols: 4 } });
    expect(run.settings.k).toBe(10);
    expect(run.captions.damro.tokens).toHaveLength(await damroTokens.count());
    expect(run.image).toMatchObject({ name: 'flat-grey.png', width: 320, height: 240 });

    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Overlay as PNG' }).click()]);
    expect((await readFile((await png.path())!)).subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'visualizer-5-phone');

    const shared = await chromium.browser.newPage();
    await shared.goto(page.url());
    await expect.poll(() => shared.getByLabel('k (outliers)').inputValue()).toBe('3');
    await shared.close();

    expect(errors).toEqual([]);
    await page.close();
  });
});
