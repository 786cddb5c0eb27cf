// "Open a model folder…" in the built site: a model folder on disk that the site does not ship is picked with the
// folder chooser, loads through the same loader as Hub models, and captions a dropped image. Two layouts: the
// factory's tiny llava with another seed (as a person's own export would be), and an Optimum merged decoder (If node
// on use_cache_branch, src/factory/if-merged), whose taps inside both If branches must survive ORT-web's partitioning
// (the If runs on the CPU provider, its branches' nodes wherever they are placed). The If-merged values themselves
// are checked against the reference in Node (test/engine/if-merged-engine.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { makeIfMergedLlavaModel } from '../../src/factory/if-merged/make-model';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import { collectErrors, screenshot, useChromium } from './chromium';
import { dropDrawnPng } from './image-drop';

const work = mkdtempSync(join(tmpdir(), 'damro-model-folder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a model folder opened in the site', () => {
  const chromium = useChromium();

  /**
   * Writes `files` as the folder `name`, opens it on WebGPU, drops a one-colour image and waits for both captions;
   * the page's errors are collected from the start.
   */
  async function captionWithFolder(name: string, files: Map<string, Uint8Array>) {
    const dir = join(work, name);
    await writeModelFolder(dir, files);
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(`${inject('baseUrl')}?dtype=fp32`);
    await expect
      .poll(() => page.locator('[data-backend]').getAttribute('data-backend'), { timeout: 60_000 })
      .toBe('webgpu');

    await page.getByTestId('model-folder').setInputFiles(dir);
    await page.getByTestId('model-status').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('model-status').textContent()).toBe(
      `Loaded ${name} (fp32, webgpu) · 4×4 image tokens`,
    );

    await dropDrawnPng(page, 'red.png', { width: 40, height: 32, colours: [[200, 60, 30]] });
    for (const kind of ['baseline', 'damro'])
      await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 150_000 });
    expect(await page.locator('[data-caption=baseline] .token').count()).toBeGreaterThan(0);
    return { page, errors };
  }

  it('loads from the folder chooser and captions a dropped image', async () => {
    const llava = makeLlavaModel({ size: 'tiny', dtype: 'fp32', seed: 7 }).files;
    const { page, errors } = await captionWithFolder('my-own-export', llava);
    await screenshot(page, 'model-folder-captions');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("reads an If-merged decoder: both captions, and a token's attention map from the If node's tap output", async () => {
    const { page, errors } = await captionWithFolder('optimum-merged', makeIfMergedLlavaModel());
    await page.locator('[data-caption=damro] .token').first().click();
    await expect
      .poll(() => page.getByRole('img', { name: /Decoder attention of token/ }).getAttribute('data-heatmap'))
      .toBe('on');
    await screenshot(page, 'if-merged-captions');
    expect(errors).toEqual([]);
    await page.close();
  });
});
