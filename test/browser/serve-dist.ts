import { existsSync } from 'node:fs';
import { preview } from 'vite';
import type { TestProject } from 'vitest/node';
import { serveHarness } from './harness/build-harness';

/**
 * Serves dist/ exactly as `npm start` does (same headers, from vite.config.ts) on a free port, and the
 * test-only ORT harness page (built here) on another.
 */
export default async function serveDist(project: TestProject) {
  const root = new URL('../..', import.meta.url).pathname;
  if (!existsSync(`${root}dist/index.html`))
    throw new Error('dist/ is missing: run `npm run build` first (`npm run test:e2e` does).');
  const server = await preview({
    root,
    preview: { port: 0, host: '127.0.0.1', strictPort: false, open: false },
    logLevel: 'warn',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  project.provide('baseUrl', url);
  const harness = await serveHarness(root);
  project.provide('harnessUrl', harness.url);
  return async () => {
    await server.close();
    await harness.server.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    harnessUrl: string;
  }
}
