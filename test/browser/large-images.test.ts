// Image sizes in Chromium, judged by the declared size before anything decodes. A PNG declaring 16000×16000
// (the decompression bomb: its header says 256 MP) is refused at pick time with its name; a real 12000×12000
// photo-sized PNG is accepted and captioned (the worker decodes it downscaled); a BMP is decoded, not accepted
// by its name and failing later.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { flatPng } from '../support/png';
import { collectErrors, useChromium } from './chromium';
import { dropFile } from './image-drop';

/** A 24-bit BMP (BITMAPINFOHEADER, rows bottom-up, 96-byte rows need no padding) of one colour, 32×32. */
function flatBmp([r, g, b]: readonly [number, number, number]): Uint8Array {
  const pixels = 32 * 32 * 3;
  const out = Buffer.alloc(54 + pixels);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(54 + pixels, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(32, 18);
  out.writeInt32LE(32, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(pixels, 34);
  for (let i = 54; i < out.length; i += 3) out.set([b, g, r], i);
  return out;
}

const captionsDone = async (page: Page) => {
  for (const kind of ['baseline', 'damro'])
    await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 180_000 });
};

describe('image sizes and formats', () => {
  const chromium = useChromium();

  it('refuses a declared 16000×16000 PNG undecoded, captions a 12000×12000 one downscaled, and decodes BMP', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = collectErrors(page);
    await page.goto(`${inject('baseUrl')}?max=6&model=synthetic-llava-tiny&dtype=fp32`);
    await page.getByRole('button', { name: 'Load model' }).click();
    await page.getByTestId('model-status').waitFor({ timeout: 120_000 });

    await dropFile(page, flatBmp([200, 60, 40]), 'red.bmp', 'image/bmp');
    await expect
      .poll(() => page.getByTestId('image-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^red\.bmp · 32×32 px/);
    await captionsDone(page);
    const bmpCaptions = await page.locator('[data-caption]').allTextContents();

    // The bomb's header and its first rows only: whatever follows is never read.
    await dropFile(page, flatPng(16000, 16000, [0, 0, 0], 4), 'bomb.png', 'image/png');
    const refusal = page.locator('[data-error-code=image-too-large]');
    await refusal.waitFor({ timeout: 30_000 });
    expect(await refusal.textContent()).toMatch(
      /"bomb\.png" declares 16000×16000 pixels \(256 MP\); the limit is 150 MP, and it was not decoded\. Downscale it and try again\.$/,
    );
    expect(await page.getByTestId('image-summary').textContent(), 'the previous image stays').toMatch(/^red\.bmp/);
    expect(await page.locator('[data-caption]').allTextContents(), 'and so do its captions').toEqual(bmpCaptions);

    await dropFile(page, flatPng(12000, 12000, [90, 140, 200]), 'large.png', 'image/png');
    await expect
      .poll(() => page.getByTestId('image-summary').textContent(), { timeout: 120_000 })
      .toMatch(/^large\.png · 12000×12000 px/);
    await captionsDone(page);
    expect(await page.locator('[data-caption=baseline]').getAttribute('data-done')).toMatch(/^(eos|max-tokens)$/);
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    expect(errors).toEqual([]);
  }, 600_000);
});
