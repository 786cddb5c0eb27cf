import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { sniffImageMime } from '../core/eval/images';
import { LensError } from '../protocol/errors';
import type { ImageInput } from '../protocol/messages';

const BY_EXTENSION: Readonly<Record<string, string>> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.gif': 'image/gif', '.bmp': 'image/bmp' };

/** Every file under the folder, as folder-relative paths with forward slashes. */
export async function listFolder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.replace(/\/+$/, '').length + 1).replaceAll('\\', '/'));
  } catch {
    throw new LensError('bad-request', `Cannot list the image folder ${dir}; check --images.`);
  }
}

/** The encoded image, typed by its bytes (a .jpg name may hold a PNG). */
export async function readImage(dir: string, path: string): Promise<ImageInput> {
  const data = await readFile(join(dir, path));
  const bytes = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const mime = sniffImageMime(new Uint8Array(bytes)) ?? BY_EXTENSION[extname(path).toLowerCase()] ?? 'application/octet-stream';
  return { kind: 'encoded', bytes, mime };
}
