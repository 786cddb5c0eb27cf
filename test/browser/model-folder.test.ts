// "Open a model folder…" in the built site: a model folder on disk that the site does not ship (the factory's tiny
// llava with another seed, as a person's own export would be) is picked with the folder chooser, loads through
// the same loader as Hub models, and captions a dropped image.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import { collectErrors, screenshot, useChromium } from './chromium';
import { dropDrawnPng } from './image-drop';

const work = mkdtempSync(join(tmpdir(), 'damro-model-folder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a model folder opened in the site', () => {
  const chromium = useChromium();

  it('loads from the folder chooser and captions a dropped image', async () => {
    const dir = join(work, 'my-own-export');
    await writeModelFolder(dir, makeLlavaModel({ size: 'tiny', dtype: 'fp32', seed: 7 }).files);
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(`${inject('baseUrl')}?dtype=fp32`);
    await expect
      .poll(() => page.locator('[data-backend]').getAttribute('data-backend'), { timeout: 60_000 })
      .toBe('webgpu');

    await page.getByTestId('model-folder').setInputFiles(dir);
    await page.getByTestId('model-status').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('model-status').textContent()).toMatch(
      /^Loaded my-own-export \(fp32, webgpu\) · 4×4 image tokens$/,
    );

    await dropDrawnPng(page, 'red.png', { width: 40, height: 32, colours: [[200, 60, 30]] });
    for (const kind of ['baseline', 'damro'])
      await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 150_000 });
    expect(await page.locator('[data-caption=baseline] .token').count()).toBeGreaterThan(0);
    await screenshot(page, 'model-folder-captions');
    expect(errors).toEqual([]);
    await page.close();
  });
});
