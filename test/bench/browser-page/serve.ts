// Builds the benchmark page into dist-bench/ (gitignored) and serves it with the site's COOP/COEP headers in a
// headless Chromium, so benchmarks run where the site runs.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { build, preview } from 'vite';
import { isolationHeaders } from '../../../vite.config';
import { launchChromium } from '../../browser/chromium';

const root = new URL('../../../', import.meta.url).pathname;

/** Runs `work` on the loaded page; `models` are folders served under models/{name}/. */
export async function withBenchPage<T>(
  models: Readonly<Record<string, string>>,
  work: (page: Page) => Promise<T>,
): Promise<T> {
  const outDir = `${root}dist-bench`;
  await build({
    root: `${root}test/bench/browser-page`,
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'esnext' },
  });
  mkdirSync(`${outDir}/models`, { recursive: true });
  for (const [name, dir] of Object.entries(models)) {
    rmSync(`${outDir}/models/${name}`, { force: true });
    symlinkSync(dir, `${outDir}/models/${name}`);
  }
  const server = await preview({
    root,
    configFile: false,
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', headers: isolationHeaders },
    logLevel: 'warn',
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(server.resolvedUrls!.local[0]);
    await page.waitForSelector('body[data-ready="true"]');
    return await work(page);
  } finally {
    await browser.close();
    await server.close();
  }
}
