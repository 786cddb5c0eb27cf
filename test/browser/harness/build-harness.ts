// Builds the test-only ORT harness page into dist-harness/ (gitignored) and serves it with the site's
// COOP/COEP headers, so WebGPU and threaded WASM behave as on the real site.
import { build, preview, type PreviewServer } from 'vite';
import { isolationHeaders } from '../../../vite.config';

export async function serveHarness(root: string): Promise<{ url: string; server: PreviewServer }> {
  const outDir = `${root}dist-harness`;
  await build({
    root: `${root}test/browser/harness`,
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'esnext' },
  });
  const server = await preview({
    root,
    configFile: false,
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', strictPort: false, open: false, headers: isolationHeaders },
    logLevel: 'warn',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL for the harness');
  return { url, server };
}
