import { open, readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { sniffImageMime } from '../core/eval/images';
import { checkedImageHeader } from '../core/image/header';
import { LensError } from '../protocol/errors';
import type { ImageInput } from '../protocol/messages';

const BY_EXTENSION: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
};

/** Every file under the folder, as folder-relative paths with forward slashes. */
export async function listFolder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) =>
        join(e.parentPath, e.name)
          .slice(dir.replace(/\/+$/, '').length + 1)
          .replaceAll('\\', '/'),
      );
  } catch {
    throw new LensError('bad-request', `Cannot list the image folder ${dir}; check --images.`);
  }
}

/**
 * The encoded image, typed by its bytes (a .jpg name may hold a PNG); a declared size too large is refused undecoded.
 */
export async function readImage(dir: string, path: string): Promise<ImageInput> {
  const data = await readFile(join(dir, path));
  const bytes = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  checkedImageHeader(new Uint8Array(bytes), `"${join(dir, path)}"`);
  const mime =
    sniffImageMime(new Uint8Array(bytes)) ?? BY_EXTENSION[extname(path).toLowerCase()] ?? 'application/octet-stream';
  return { kind: 'encoded', bytes, mime };
}

/**
 * Node decodes with sharp, which has no BMP decoder: BMP files are refused before the run starts rather than
 * failing one by one in it. (Chromium decodes them.)
 */
export async function refuseBmpForNode(dir: string, paths: Iterable<string>): Promise<void> {
  const bmp: string[] = [];
  const head = new Uint8Array(2);
  for (const path of paths) {
    const file = await open(join(dir, path));
    try {
      await file.read(head, 0, 2, 0);
    } finally {
      await file.close();
    }
    if (head[0] === 0x42 && head[1] === 0x4d) bmp.push(path);
  }
  if (bmp.length) {
    throw new LensError(
      'bad-image',
      `${bmp.length} image(s) in ${dir} are BMP (${bmp.slice(0, 3).join(', ')}${bmp.length > 3 ? ', …' : ''}), which the Node backend cannot decode. Convert them to PNG, or run with --backend chromium.`,
    );
  }
}
