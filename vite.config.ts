import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Multi-threaded WASM needs SharedArrayBuffer, which browsers only give a cross-origin isolated page.
// Without these headers the app still runs, with ORT on one thread.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// What the page may load, and from where. Models come from the Hugging Face Hub, whose file URLs redirect to
// its CDN and storage hosts (cdn-lfs.huggingface.co, cdn-lfs.hf.co, cas-bridge.xethub.hf.co, …), hence the
// wildcards. ORT compiles WebAssembly ('wasm-unsafe-eval'); dropped images and exports are blob: URLs; the
// inference worker is a module file of this origin. The person also chooses hosts at run time that no fixed list
// can name: a GPT-4V-aided judge endpoint and a self-hosted model mirror (any HTTPS host), or a local server on
// this machine (llama.cpp, Ollama, the CLI's model-folder server: loopback over plain HTTP). So requests may go
// to HTTPS and loopback; no script, frame or object from anywhere but this origin, and no plain-HTTP host elsewhere.
const CONNECT_HOSTS = 'https: http://localhost:* http://127.0.0.1:*';
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  `connect-src 'self' blob: data: ${CONNECT_HOSTS}`,
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// The dev server injects its client and React's refresh preamble as inline scripts and talks to them over a
// WebSocket; only `npm run dev` sends this looser policy.
const devContentSecurityPolicy = contentSecurityPolicy
  .replace("script-src 'self' 'wasm-unsafe-eval'", "script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'")
  .replace("connect-src 'self'", "connect-src 'self' ws: wss:");

// transformers.js points ORT at a CDN unless wasmPaths is already set. src/engine/runtime/ort.ts sets it to
// the wasm this site serves, so the CDN default is dead code; removing it from the bundle lets the build
// test prove that no CDN URL ships. Failing loudly here catches a transformers.js upgrade that moves it.
const CDN_PREFIX = 'https://cdn.jsdelivr.net/npm/onnxruntime-web@${ONNX_ENV.versions.web}/dist/';
function stripTransformersCdnDefault(): Plugin {
  return {
    name: 'damro:strip-transformers-cdn-default',
    enforce: 'pre',
    transform(code, id) {
      if (!/@huggingface[\\/]transformers[\\/]dist[\\/]transformers\.web\.js$/.test(id)) return null;
      if (!code.includes(CDN_PREFIX)) {
        throw new Error(
          `transformers.js no longer contains the expected ORT CDN default; update stripTransformersCdnDefault in vite.config.ts`,
        );
      }
      return { code: code.replace(CDN_PREFIX, 'ort-wasm-path-must-be-set-by-the-app/'), map: null };
    },
  };
}

// The loader reads a model's optional files (other dtypes, .onnx_data, generation_config.json) and treats 404 as
// "not there"; Vite's SPA fallback would answer them with index.html. Under models/ a missing file is a 404, in
// `npm run dev` (from public/) and in `npm start` / the tests' preview server (from dist/).
function missingModelFilesAre404(): Plugin {
  const answer404 = (root: () => string) => (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!path.startsWith('/models/') || existsSync(join(root(), path))) return next();
    res.statusCode = 404;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(`${path} is not part of this site's models.`);
  };
  let config: ResolvedConfig | undefined;
  return {
    name: 'damro:missing-model-files-are-404',
    configResolved(resolved) {
      config = resolved;
    },
    configureServer(server) {
      server.middlewares.use(answer404(() => config!.publicDir));
    },
    configurePreviewServer(server) {
      server.middlewares.use(answer404(() => resolve(config!.root, config!.build.outDir)));
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [react(), stripTransformersCdnDefault(), missingModelFilesAre404()],
  worker: { format: 'es', plugins: () => [stripTransformersCdnDefault()] },
  build: { target: 'esnext', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { exclude: ['onnxruntime-web', '@huggingface/transformers'] },
  server: { headers: { ...isolationHeaders, 'Content-Security-Policy': devContentSecurityPolicy } },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': contentSecurityPolicy } },
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/unit/**/*.test.tsx',
      'test/engine/**/*.test.ts',
      'test/components/**/*.test.tsx',
    ],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
  },
});
