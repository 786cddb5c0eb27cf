import { defineConfig } from 'vitest/config';

// End-to-end tests: the production build in dist/, served with the site's headers, driven in a real
// Chromium with WebGPU. `npm run test:e2e` builds first.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/serve-dist.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
