// A model folder on disk served over HTTP on the loopback interface, so the site's worker (which reads models by
// URL) can load it: `--backend chromium --model DIR`. Cross-origin reads are allowed, since the page is served
// from another port; only files inside the folder are served.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';

export interface ServedFolder {
  /** The folder's base URL, ending in '/'. */
  readonly url: string;
  close(): Promise<void>;
}

export async function serveFolder(dir: string): Promise<ServedFolder> {
  const root = normalize(dir + sep);
  const server = createServer((request, response) => {
    response.setHeader('Access-Control-Allow-Origin', '*');
    const path = normalize(join(root, decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)));
    void stat(path)
      .then((info) => {
        if (!path.startsWith(root) || !info.isFile()) throw new Error('not a file in the folder');
        response.writeHead(200, {
          'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream',
          'content-length': String(info.size),
        });
        createReadStream(path).pipe(response);
      })
      .catch(() => {
        response.writeHead(404).end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
