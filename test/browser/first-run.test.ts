// A new person's first minutes, in Chromium: the real model preselected with its download size; with the Hub
// out of reach (every request off this site aborted, as offline) the load fails and offers the built-in demo
// model in one click; a sample photo is captioned in one click with its hand-written objects as ground truth,
// so no object word waits for a detector; on a phone the captions are in the first screen once a run starts.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { collectErrors, useChromium, screenshot } from './chromium';

async function offline(page: Page): Promise<void> {
  const site = new URL(inject('baseUrl')).origin;
  await page.route(
    (url) => url.origin !== site,
    (route) => route.abort('internetdisconnected'),
  );
}

/** Errors of the aborted Hub requests are the point of the test; anything else is a defect. */
const unexpected = (errors: string[]) =>
  errors.filter((e) => !/net::ERR_INTERNET_DISCONNECTED|Failed to load resource|huggingface\.co/.test(e));

describe('the first run', () => {
  const chromium = useChromium();

  it('preselects the real model with its size, falls back to the demo model offline, and captions a sample in one click', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = collectErrors(page);
    await offline(page);
    await page.goto(inject('baseUrl'));
    await expect
      .poll(() => page.locator('[data-backend]').getAttribute('data-backend'), { timeout: 60_000 })
      .toBe('webgpu');
    const model = page.getByRole('combobox', { name: 'Model', exact: true });
    expect(await model.inputValue()).toBe('HuggingFaceTB/SmolVLM-256M-Instruct');
    // SwiftShader has no shader-f16: the 4-bit fp32-compute weights, and the size of that download.
    expect(await page.getByLabel('Weights (dtype)').inputValue()).toBe('q4');
    expect(await page.getByTestId('download-size').textContent()).toBe(
      'Download: ≈ 260 MB once; the browser keeps it for later visits.',
    );
    await screenshot(page, 'first-run-1-real-model-preselected');

    await page.getByRole('button', { name: 'Load model' }).click();
    const offer = page.getByTestId('demo-fallback');
    await offer.waitFor({ timeout: 60_000 });
    expect(await page.getByRole('alert').count()).toBe(1);
    await screenshot(page, 'first-run-2-offline-fallback');
    await offer.getByRole('button', { name: 'Use the built-in demo model' }).click();
    await page.getByTestId('model-status').waitFor({ timeout: 120_000 });
    // In the dtype SwiftShader runs best (no shader-f16: q4), so the menu and the suggestion agree.
    expect(await page.getByTestId('model-status').textContent()).toMatch(/^Loaded synthetic-llava-tiny \(q4, webgpu\)/);

    const samples = page.getByTestId('sample');
    expect(await samples.count()).toBe(3);
    await samples.filter({ hasText: 'Espresso' }).click();
    await expect
      .poll(() => page.getByTestId('gt-source').textContent(), { timeout: 30_000 })
      .toBe('This sample photo’s objects (listed by hand): cup, spoon, dining table');
    for (const kind of ['baseline', 'damro'])
      await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 150_000 });
    expect(await page.getByTestId('image-summary').textContent()).toBe('coffee.jpg · 600×400 px');
    const marks = await page.locator('.caption .token[data-node]').evaluateAll((els) =>
      els.map((el) => ({
        node: (el as HTMLElement).dataset.node!,
        kind: el.className.replace(/^token token--/, ''),
      })),
    );
    for (const { node, kind } of marks)
      expect([node, kind]).toEqual([
        node,
        ['cup', 'spoon', 'dining table'].includes(node) ? 'grounded' : 'hallucinated',
      ]);
    expect(await page.locator('.caption .token--checking, .caption .token--unchecked').count()).toBe(0);
    expect(await page.getByTestId('labels-damro').textContent()).toMatch(
      /^\d+ grounded · \d+ hallucinated · \d+ unverifiable · CHAIRs/,
    );
    await screenshot(page, 'first-run-3-sample-captioned');
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it('puts the captions in the first screen of a phone once a run starts', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors = collectErrors(page);
    await page.goto(`${inject('baseUrl')}?model=synthetic-llava-tiny&dtype=fp32`);
    await page.getByRole('button', { name: 'Load model' }).click();
    await page.getByTestId('model-status').waitFor({ timeout: 120_000 });
    await page.getByTestId('sample').first().click({ timeout: 90_000 });
    await page.locator('[data-caption=damro] .token').first().waitFor({ timeout: 150_000 });
    const top = await page.locator('[data-caption=baseline]').evaluate((el) => el.getBoundingClientRect().top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(844 - 100);
    await page.screenshot({
      path: new URL('../../test-results/first-run-4-phone-captions.png', import.meta.url).pathname,
    });
    expect(errors).toEqual([]);
    await page.close();
  });
});
