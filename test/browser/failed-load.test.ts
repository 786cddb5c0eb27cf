// A failed model load in Chromium must not take the working model away. After a run on the demo model, loading
// a Hub model while huggingface.co cannot be reached used to disable Run, tell the benchmark panel "Load a model
// first" and drop the heatmaps, and called the outage "Model not found". Now the demo model stays loaded (the
// worker keeps it until a new one has loaded), its captions and heatmaps stay, Run runs it again, and the
// notice says the host could not be reached.
import { describe, expect, inject, it } from 'vitest';
import { collectErrors, useChromium } from './chromium';
import { dropDrawnPng } from './image-drop';

const HUB_ID = 'nobody/unreachable-model';

describe('a failed model load', () => {
  const chromium = useChromium();

  it('keeps the loaded model, its heatmaps and Run, and says the host could not be reached', async () => {
    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    // The machine may or may not have a network; the test pulls the plug itself, for the worker's requests too.
    await context.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${inject('baseUrl')}?max=6&model=synthetic-llava-tiny&dtype=fp32`);
    await page.getByRole('button', { name: 'Load model' }).click();
    await page.getByTestId('model-status').waitFor({ timeout: 120_000 });
    await dropDrawnPng(page, 'blue.png', { width: 64, height: 48, colours: [[90, 140, 200]] });
    for (const kind of ['baseline', 'damro'])
      await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 150_000 });
    // The words only: their labels follow the detector, which may answer at any time.
    const words = () => page.locator('[data-caption] .token').allTextContents();
    const captions = await words();
    expect(captions.length).toBeGreaterThan(0);
    const encoder = page.getByRole('img', { name: /Outlier score heatmap/ });
    await encoder.waitFor();

    await page.getByRole('combobox', { name: 'Model' }).selectOption({ label: 'Another Hugging Face Hub model…' });
    await page.getByLabel('Hub model id').fill(HUB_ID);
    await page.getByRole('button', { name: 'Load model' }).click();
    const notice = page.locator('[data-error-code]');
    await notice.waitFor({ timeout: 60_000 });
    expect(await notice.getAttribute('data-error-code')).toBe('network');
    expect(await notice.textContent()).toMatch(
      /^Could not reach the model host\. Could not reach huggingface\.co to download https:\/\/huggingface\.co\/nobody\/unreachable-model\//,
    );

    expect(await page.getByTestId('model-status').textContent()).toMatch(/^Loaded synthetic-llava-tiny /);
    expect(await words()).toEqual(captions);
    expect(await encoder.isVisible()).toBe(true);
    expect(await page.getByRole('region', { name: 'Benchmarks' }).getByText('Load a model first.').count()).toBe(0);
    const run = page.getByRole('button', { name: 'Run', exact: true });
    expect(await run.isEnabled()).toBe(true);
    await run.click();
    for (const kind of ['baseline', 'damro'])
      await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 150_000 });
    expect(await words(), 'greedy captions of the same image again').toEqual(captions);
    // The aborted requests are the test's own doing; anything else is a failure.
    expect(errors.filter((e) => !e.includes('net::ERR_INTERNET_DISCONNECTED'))).toEqual([]);
    await context.close();
  }, 600_000);
});
