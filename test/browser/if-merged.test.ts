// An Optimum merged decoder (If node on use_cache_branch, src/factory/if-merged) opened as a model folder in the
// built site on WebGPU: the taps inside both If branches survive ORT-web's partitioning (the If runs on the CPU
// provider, its branches' nodes wherever they are placed), both captions finish, and the step's attention map over
// the image is drawn from the If node's tap output. The values themselves are checked against the reference in
// Node (test/engine/if-merged-engine.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { makeIfMergedLlavaModel } from '../../src/factory/if-merged/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import { collectErrors, screenshot, useChromium } from './chromium';

const work = mkdtempSync(join(tmpdir(), 'damro-if-merged-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('an If-merged decoder in the site', () => {
  const chromium = useChromium();

  it('loads from a model folder on WebGPU and captions a dropped image with attention frames', async () => {
    const dir = join(work, 'optimum-merged');
    await writeModelFolder(dir, makeIfMergedLlavaModel());
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(`${inject('baseUrl')}?dtype=fp32`);
    await expect
      .poll(() => page.locator('[data-backend]').getAttribute('data-backend'), { timeout: 60_000 })
      .toBe('webgpu');

    await page.getByTestId('model-folder').setInputFiles(dir);
    await page.getByTestId('model-status').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('model-status').textContent()).toMatch(
      /^Loaded optimum-merged \(fp32, webgpu\) · 4×4 image tokens$/,
    );

    const dataTransfer = await page.evaluateHandle(async () => {
      const canvas = new OffscreenCanvas(40, 32);
      const context = canvas.getContext('2d')!;
      context.fillStyle = 'rgb(30, 120, 200)';
      context.fillRect(0, 0, 40, 32);
      const transfer = new DataTransfer();
      transfer.items.add(
        new File([await canvas.convertToBlob({ type: 'image/png' })], 'blue.png', { type: 'image/png' }),
      );
      return transfer;
    });
    await page.dispatchEvent('[data-testid=image-drop]', 'drop', { dataTransfer });
    for (const kind of ['baseline', 'damro'])
      await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 150_000 });
    expect(await page.locator('[data-caption=baseline] .token').count()).toBeGreaterThan(1);
    // A generated token's decoder attention: the frame the If node's tap output carried for that step.
    await page.locator('[data-caption=damro] .token').first().click();
    await expect
      .poll(() => page.getByRole('img', { name: /Decoder attention of token/ }).getAttribute('data-heatmap'))
      .toBe('on');
    await screenshot(page, 'if-merged-captions');
    expect(errors).toEqual([]);
    await page.close();
  });
});
