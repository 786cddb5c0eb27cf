// How the page measures a dropped image: by its header first, so a picture too large to decode is refused
// before the browser tries, then by a (downscaled) decode that proves the file is readable.
import type { ImageReader } from '../controllers/lens-controller';
import { checkedImageHeader, decodeSize } from '../core/image/header';
import { LensError } from '../protocol/errors';

export const browserImageReader: ImageReader = {
  async measure(file) {
    const name = (file as File).name ?? 'this file';
    // The declared size first: a picture too large to decode is refused before the browser tries.
    const header = checkedImageHeader(new Uint8Array(await file.arrayBuffer()), `"${name}"`);
    const target = decodeSize(header.width, header.height);
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(
        file,
        target.width < header.width ? { resizeWidth: target.width, resizeQuality: 'low' } : {},
      );
    } catch {
      throw new LensError(
        'bad-image',
        `The browser could not decode "${name}" (${file.type || 'unknown type'}); it may be corrupt or truncated. Drop a PNG, JPEG, WebP, GIF or BMP image.`,
      );
    }
    // An EXIF rotation shows a stored landscape as a portrait.
    const turned = bitmap.width > bitmap.height !== header.width > header.height && header.width !== header.height;
    bitmap.close();
    return turned ? { width: header.height, height: header.width } : { width: header.width, height: header.height };
  },
  objectUrl: (file) => URL.createObjectURL(file),
};
