// Missing model files, in Chromium against the preview server `npm start` uses: the site's own server answers 404
// under models/ (not its index.html), and on a host that does answer 200 with its start page (many static hosts
// do) the loader takes the page for "missing", so a dtype fallback and an absent generation_config.json still load.
import { describe, expect, inject, it } from 'vitest';
import { runParams, testImage } from '../support/tiny-llava';
import { useChromium } from './chromium';
import { productionWorkerUrl, runInWorker } from './worker-run';

const DEMO = 'synthetic-llava-tiny';

describe('missing model files', () => {
  const chromium = useChromium();

  it('the preview server answers 404 for a missing file under models/, and still serves the app elsewhere', async () => {
    const page = await chromium.browser.newPage();
    await page.goto(inject('baseUrl'));
    const status = (path: string) =>
      page.evaluate(
        async (url) => {
          const response = await fetch(url);
          return [response.status, response.headers.get('content-type') ?? ''] as const;
        },
        new URL(path, inject('baseUrl')).href,
      );
    expect((await status(`models/${DEMO}/onnx/embed_tokens_fp16.onnx`))[0]).toBe(404);
    expect((await status(`models/${DEMO}/no_such_config.json`))[0]).toBe(404);
    expect((await status(`models/${DEMO}/config.json`))[0]).toBe(200);
    expect(await status('some/page/of/the/app')).toEqual([200, expect.stringMatching(/^text\/html/)]);
    await page.close();
  });

  it('on a host that answers missing files with its start page, a q4 load falls back to the fp32 embedding table and runs', async () => {
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    await page.goto(inject('baseUrl'));
    const startPage = await page.content();
    // What a static host does: every path it lacks gets 200 and the app's index.html.
    const lacking = [`/models/${DEMO}/onnx/embed_tokens_q4.onnx`, `/models/${DEMO}/generation_config.json`];
    await context.route(
      (url) => lacking.includes(url.pathname) || url.pathname.endsWith('.onnx_data'),
      (route) => route.fulfill({ status: 200, contentType: 'text/html', body: startPage }),
    );
    const result = await runInWorker(
      page,
      productionWorkerUrl(),
      { modelId: DEMO, dtype: 'q4' },
      runParams({ maxNewTokens: 4, image: testImage(32, 32) }),
    );
    const failure = result.events.find((e) => e.type === 'run/error');
    expect(failure?.type === 'run/error' ? failure.error.message : undefined).toBeUndefined();
    expect(result.info.dtype).toBe('q4');
    expect(result.loadedFiles).toEqual(
      expect.arrayContaining([
        'onnx/vision_encoder_q4.onnx',
        'onnx/embed_tokens.onnx',
        'onnx/decoder_model_merged_q4.onnx',
      ]),
    );
    expect(result.loadedFiles).not.toContain('onnx/embed_tokens_q4.onnx');
    expect(result.events.filter((e) => e.type === 'run/token').length).toBeGreaterThan(0);
    await context.close();
  });
});
