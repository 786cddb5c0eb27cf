// The site's Content-Security-Policy, as the preview server sends it, in Chromium. A page under it loads the
// demo model (ORT's WebAssembly on WebGPU, the module worker), captions a dropped image and labels it with the
// detector without a single violation, in the page or in the worker (either would log a console error); and it
// does refuse what it should: an inline script and a request to a host that is not the Hub.
import { describe, expect, inject, it } from 'vitest';
import { collectErrors, useChromium } from './chromium';
import { dropDrawnPng } from './image-drop';

describe('the Content-Security-Policy', () => {
  const chromium = useChromium();

  it('is sent with the page and the worker, and allows exactly what the site does', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = collectErrors(page);
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { violations: string[] }).violations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    const workerPolicies: (string | undefined)[] = [];
    page.on('response', (response) => {
      if (/inference\.worker[^/]*\.js$/.test(new URL(response.url()).pathname))
        workerPolicies.push(response.headers()['content-security-policy']);
    });
    const response = await page.goto(`${inject('baseUrl')}?max=6&model=synthetic-llava-tiny&dtype=fp32`);
    const policy = response?.headers()['content-security-policy'] ?? '';
    const directives = new Map(
      policy
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    // Any HTTPS host and loopback: the person picks the judge endpoint, a model mirror or a local server at run time.
    expect(directives.get('connect-src')).toEqual([
      "'self'",
      'blob:',
      'data:',
      'https:',
      'http://localhost:*',
      'http://127.0.0.1:*',
    ]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);

    await page.getByRole('button', { name: 'Load model' }).click();
    await page.getByTestId('model-status').waitFor({ timeout: 180_000 });
    expect(workerPolicies, 'the worker script carries the same policy').toEqual([policy]);
    await dropDrawnPng(page, 'orange.png', { width: 32, height: 32, colours: [[200, 120, 40]] });
    for (const kind of ['baseline', 'damro'])
      await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 180_000 });
    await expect
      .poll(() => page.getByTestId('gt-source').getAttribute('data-source'), { timeout: 180_000 })
      .toBe('detector');
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    expect(errors).toEqual([]);

    const refused = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
      const fetched = await fetch('http://example.com/').then(
        () => 'fetched',
        () => 'blocked',
      );
      return { inlineRan: (window as unknown as { inlineRan?: boolean }).inlineRan ?? false, fetched };
    });
    expect(refused).toEqual({ inlineRan: false, fetched: 'blocked' });
    // Violation events arrive as tasks of their own; they prove the policy (not a missing network) refused both.
    await expect
      .poll(() => page.evaluate(() => [...(window as unknown as { violations: string[] }).violations].sort()))
      .toEqual(['connect-src http://example.com/', 'script-src-elem inline']);
  }, 600_000);
});
