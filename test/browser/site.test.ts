import { describe, expect, inject, it } from 'vitest';
import { collectErrors, useChromium, screenshot } from './chromium';

describe('the built site in Chromium', () => {
  const chromium = useChromium();

  it('finds the WebGPU adapter in its worker, names it, and logs no errors', async () => {
    const page = await chromium.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(inject('baseUrl'));
    const status = page.locator('[data-backend]');
    await status.waitFor({ timeout: 60_000 });
    expect(await status.getAttribute('data-backend')).toBe('webgpu');
    const adapterName = (await page.getByTestId('adapter-name').textContent()) ?? '';
    const expected = await page.evaluate(async () => {
      const adapter = await navigator.gpu.requestAdapter();
      return adapter ? [adapter.info.vendor, adapter.info.architecture].filter(Boolean).join(' ') : null;
    });
    expect(expected, 'the page itself should see an adapter').not.toBeNull();
    expect(adapterName).toBe(expected);
    expect(
      await page.evaluate(() => crossOriginIsolated),
      'COOP/COEP headers make the page cross-origin isolated',
    ).toBe(true);
    await expect
      .poll(() => page.locator('.backend__versions').textContent())
      .toMatch(/onnxruntime-web 1\.31\.0-dev\.20260914-8d85527a0 · transformers\.js 4\.3\.2 · multi-threaded WASM/);
    await screenshot(page, 'site-backend');
    expect(errors).toEqual([]);
    await page.close();
  });
});
