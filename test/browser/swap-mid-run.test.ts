// Swapping the image while the detector and the captioner work on the previous one, in Chromium with the
// production worker (WebGPU on SwiftShader). Captioning and detection share one worker and one ORT; when two
// of their jobs overlapped, ORT failed a GPU download or corrupted its wasm memory, and the captions stayed on
// "writing…" or the page asked for a reload. The swap is repeated at several moments of the first image's
// work; every time the newest image must end with both captions finished and its own detections.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { prototypeBytes } from '../../src/factory/detector/design';
import { collectErrors, useChromium } from './chromium';
import { dropDrawnPng } from './image-drop';

type CocoObject = 'handbag' | 'book' | 'couch' | 'car';
/** Quadrants top-left, top-right, bottom-left, bottom-right; each quadrant is one detector prototype. */
const FOUR: readonly CocoObject[] = ['handbag', 'book', 'couch', 'car'];
const TWO: readonly CocoObject[] = ['couch', 'car', 'car', 'couch'];

async function dropQuadrants(page: Page, quadrants: readonly CocoObject[], name: string): Promise<void> {
  const colours = quadrants.map((object) => prototypeBytes(object));
  await dropDrawnPng(page, name, { width: 32, height: 32, colours });
}

/** The previous image's captions are cleared once the new run starts (the previous ones had ended). */
const newRunStarted = (page: Page) =>
  page.locator('[data-caption=baseline][data-done=""]').waitFor({ timeout: 60_000 });

/** When, in the first image's work, the second image is dropped. */
const MOMENTS: Record<string, (page: Page) => Promise<unknown>> = {
  'at once': async () => undefined,
  'while detecting': (page) => page.getByText('Detecting objects…').waitFor({ timeout: 60_000 }),
  'at the first caption token': async (page) => {
    await newRunStarted(page);
    await page.locator('.caption .token').first().waitFor({ timeout: 60_000 });
  },
  'after the baseline caption': async (page) => {
    await newRunStarted(page);
    await page.locator('[data-caption=baseline]:not([data-done=""])').waitFor({ timeout: 150_000 });
  },
};

describe('swapping the image mid-run', () => {
  const chromium = useChromium();

  it('ends every swap with the newest image captioned and detected, whatever the moment', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = collectErrors(page);
    // Short captions (the URL's max=6) keep each swap's work small.
    await page.goto(`${inject('baseUrl')}?max=6&model=synthetic-llava-tiny&dtype=fp32`);
    await page.getByRole('button', { name: 'Load model' }).click();
    await page.getByTestId('model-status').waitFor({ timeout: 120_000 });
    // The labeller decides that the detector supplies the ground truth; it loads after first paint.
    await expect.poll(() => page.getByTestId('gt-source').textContent(), { timeout: 60_000 }).toMatch(/^Drop an image/);

    let swap = 0;
    for (const [moment, reached] of Object.entries(MOMENTS)) {
      // Alternating which picture comes second, so the final detections always tell the two apart.
      const [first, second] = swap++ % 2 === 0 ? [FOUR, TWO] : [TWO, FOUR];
      await dropQuadrants(page, first, `first-${swap}.png`);
      await reached(page);
      await dropQuadrants(page, second, `second-${swap}.png`);

      // The first image's detections may still be on screen just after the drop (the detector starts with the
      // image, so it can finish first); what must come is the second image's, and stay.
      const source = page.getByTestId('gt-source');
      const detected = async () => {
        const text = (await source.textContent()) ?? '';
        return text.startsWith('Detector synthetic-detr-tiny: ')
          ? text
              .replace(/^Detector synthetic-detr-tiny: /, '')
              .split(', ')
              .sort()
          : text;
      };
      await expect
        .poll(detected, { timeout: 240_000, message: `${moment}: the detections are the second image's` })
        .toEqual([...new Set(second)].sort());
      for (const kind of ['baseline', 'damro']) {
        await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 150_000 });
        expect(
          await page.locator(`[data-caption=${kind}]`).getAttribute('data-done'),
          `${moment}: the ${kind} caption ends by itself`,
        ).toMatch(/^(eos|max-tokens)$/);
      }
      expect(await page.getByRole('alert').allTextContents(), `${moment}: no error notice`).toEqual([]);
    }
    expect(errors).toEqual([]);
  }, 900_000);
});
