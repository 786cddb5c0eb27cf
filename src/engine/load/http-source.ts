import { LensError } from '../../protocol/errors';
import type { FileLoadProgress } from '../../protocol/messages';
import type { FileSource } from './file-source';

interface CacheLike {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}

async function readBody(
  response: Response,
  file: string,
  onProgress: (progress: FileLoadProgress) => void,
  cached: boolean,
): Promise<Uint8Array<ArrayBuffer>> {
  const total = Number(response.headers.get('content-length') ?? 0);
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress({ file, loaded: bytes.length, total: bytes.length, cached });
    return bytes;
  }
  const reader = response.body.getReader();
  // One buffer when the size is known, so a large model is never held twice while it downloads.
  let buffer = new Uint8Array(total > 0 ? total : 1 << 20);
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > buffer.length) {
      const grown = new Uint8Array(Math.max(buffer.length * 2, loaded + value.length));
      grown.set(buffer.subarray(0, loaded));
      buffer = grown;
    }
    buffer.set(value, loaded);
    loaded += value.length;
    onProgress({ file, loaded, total: Math.max(total, loaded), cached });
  }
  return loaded === buffer.length ? buffer : buffer.slice(0, loaded);
}

/**
 * A model folder holds ONNX, JSON and tokenizer files, never a web page. Many static hosts (and single-page-app
 * servers) answer a missing path with 200 and their index.html, so an HTML answer means the file is not there.
 */
function isHtmlPage(contentType: string | null, bytes?: Uint8Array): boolean {
  if (contentType && /^\s*text\/html/i.test(contentType)) return true;
  if (!bytes) return false;
  const head = new TextDecoder().decode(bytes.subarray(0, 256)).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
}

/**
 * Files over HTTP(S) under a base URL, kept in the Cache API so the next visit loads offline. The cache is
 * shared with transformers.js (same cache name and URL keys), so either one's download serves the other.
 */
export function httpSource(
  baseUrl: string,
  cacheOrPending: CacheLike | Promise<CacheLike | undefined> | undefined,
  fetchImpl: typeof fetch = fetch,
): FileSource {
  const urlOf = (path: string) => new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;

  async function get(
    path: string,
    onProgress: (progress: FileLoadProgress) => void,
    optional: boolean,
  ): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const url = urlOf(path);
    const missing = (how: string) => {
      if (optional) return undefined;
      throw new LensError(
        'model-not-found',
        `${url} does not exist (${how}). Check the model id and that the file is part of the model.`,
        { url },
      );
    };
    const cache = await cacheOrPending;
    const hit = await cache?.match(url);
    // A page cached by an older version of this site, before HTML counted as missing, is not the file either.
    if (hit && !isHtmlPage(hit.headers.get('content-type'))) return readBody(hit, path, onProgress, true);
    let response: Response;
    try {
      response = await fetchImpl(url);
    } catch (error) {
      throw new LensError(
        'network',
        `Could not reach ${new URL(url).host} to download ${url} (${String(error)}): the network is down or the host refused. Check your connection; models already downloaded once load from the browser cache.`,
      );
    }
    if (response.status === 404 && optional) return undefined;
    if (response.ok && isHtmlPage(response.headers.get('content-type'))) {
      void response.body?.cancel();
      return missing('the server answered with a web page instead');
    }
    if (!response.ok) {
      throw new LensError(
        'model-not-found',
        `Downloading ${url} failed with HTTP ${response.status}. Check the model id and that the file exists.`,
        { url, status: response.status },
      );
    }
    const bytes = await readBody(response, path, onProgress, false);
    if (isHtmlPage(null, bytes)) return missing('the server answered with a web page instead');
    await cache
      ?.put(
        url,
        new Response(bytes, {
          headers: {
            'content-type': response.headers.get('content-type') ?? 'application/octet-stream',
            'content-length': String(bytes.length),
          },
        }),
      )
      .catch(() => {
        // A full or unavailable cache only costs a re-download next time; the model still loads now.
      });
    return bytes;
  }

  return {
    origin: baseUrl,
    async read(path, onProgress) {
      return (await get(path, onProgress, false))!;
    },
    readOptional: (path, onProgress) => get(path, onProgress, true),
  };
}
