// Finding each question's image in a folder the person chose, whatever its layout: COCO val2014 flat, MME's
// category folders (with or without an images/ level), or a parent folder of either.
import type { EvalItem } from './benchmark';
import { groupByImage } from './items';

export interface ImageLookup {
  /** Folder-relative path per image of the items ("folder/image" key), for those found. */
  readonly paths: ReadonlyMap<string, string>;
  /** Images not found or not told apart, as the question list names them. */
  readonly missing: readonly string[];
  readonly ambiguous: readonly string[];
}

export const imageKeyOf = (image: string, folder?: string) => `${folder ?? ''}/${image}`;

/** Matches by file name; when a name repeats, the path with the item's folder as a path segment wins. */
export function locateImages(items: readonly EvalItem[], files: readonly string[]): ImageLookup {
  const byName = new Map<string, string[]>();
  for (const path of files) {
    const normal = path.replaceAll('\\', '/');
    const name = normal.slice(normal.lastIndexOf('/') + 1);
    const list = byName.get(name);
    if (list) list.push(normal);
    else byName.set(name, [normal]);
  }
  const paths = new Map<string, string>();
  const missing: string[] = [];
  const ambiguous: string[] = [];
  for (const { image, folder } of groupByImage(items)) {
    let found = byName.get(image) ?? [];
    if (found.length > 1 && folder) found = found.filter((p) => p.split('/').slice(0, -1).includes(folder));
    const shown = folder ? `${folder}/${image}` : image;
    if (found.length === 0) missing.push(shown);
    else if (found.length > 1) ambiguous.push(shown);
    else paths.set(imageKeyOf(image, folder), found[0]);
  }
  return { paths, missing, ambiguous };
}

/** An image's type from its first bytes: question lists say .jpg for files that may hold PNG (and vice versa). */
export function sniffImageMime(bytes: Uint8Array): string | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    bytes[8] === 0x57 &&
    bytes[9] === 0x45 &&
    bytes[10] === 0x42 &&
    bytes[11] === 0x50
  )
    return 'image/webp';
  if (starts(0x42, 0x4d)) return 'image/bmp';
  return undefined;
}
