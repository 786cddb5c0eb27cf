// An image's declared size, read from its header without decoding it. A small file can declare a huge picture
// (a 249 kB PNG of 16000×16000 decodes to 1 GB of pixels), so the size is checked before any decoder runs.
import { LensError } from '../../protocol/errors';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp';

export interface ImageHeader {
  readonly format: ImageFormat;
  /** As stored; a JPEG's EXIF orientation may swap them on display. */
  readonly width: number;
  readonly height: number;
}

/** Above every camera sold (the largest sensors are 100–150 MP); larger declarations are refused undecoded. */
export const MAX_IMAGE_PIXELS = 150_000_000;
/**
 * The longest side an image is decoded at. Every processor the site supports shrinks its input well below
 * this, so a larger picture is downscaled while it is decoded and loses nothing the model sees.
 */
export const MAX_DECODE_SIDE = 4096;

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u24le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const i32le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
const ascii = (b: Uint8Array, i: number, text: string) => [...text].every((c, k) => b[i + k] === c.charCodeAt(0));

function png(b: Uint8Array): ImageHeader | undefined {
  if (b.length < 24 || !ascii(b, 12, 'IHDR')) return undefined;
  return { format: 'png', width: u32be(b, 16), height: u32be(b, 20) };
}

function gif(b: Uint8Array): ImageHeader | undefined {
  if (b.length < 10) return undefined;
  return { format: 'gif', width: u16le(b, 6), height: u16le(b, 8) };
}

function webp(b: Uint8Array): ImageHeader | undefined {
  if (b.length < 30) return undefined;
  if (ascii(b, 12, 'VP8 ')) {
    // Lossy: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
    return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (ascii(b, 12, 'VP8L')) {
    // Lossless: the signature 0x2f, then width − 1 and height − 1 in 14 bits each, least significant first.
    if (b[20] !== 0x2f) return undefined;
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(b, 12, 'VP8X')) return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  return undefined;
}

/** Walks the JPEG's segments to its frame header (SOFn), which holds the size. */
function jpeg(b: Uint8Array): ImageHeader | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    // Markers without a length: TEM and the restart markers.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { format: 'jpeg', width: u16be(b, i + 7), height: u16be(b, i + 5) };
    if (marker === 0xda || marker === 0xd9) return undefined;
    i += 2 + u16be(b, i + 2);
  }
  return undefined;
}

function bmp(b: Uint8Array): ImageHeader | undefined {
  if (b.length < 26) return undefined;
  // The OS/2 core header (12 bytes) has 16-bit sizes; every later header has signed 32-bit ones (negative
  // height: rows stored top-down).
  if (i32le(b, 14) === 12) return { format: 'bmp', width: u16le(b, 18), height: u16le(b, 20) };
  return { format: 'bmp', width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
}

/** The format and declared size, or undefined when the bytes are none of these formats or end too early. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  const b = bytes;
  if (b[0] === 0x89 && ascii(b, 1, 'PNG\r\n\x1a\n')) return png(b);
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b);
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return gif(b);
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return webp(b);
  if (ascii(b, 0, 'BM')) return bmp(b);
  return undefined;
}

/**
 * The header, or an error naming the file (`label` begins the message, e.g. a quoted file name) that says what
 * to do; refuses a declared size nobody should decode.
 */
export function checkedImageHeader(bytes: Uint8Array, label: string): ImageHeader {
  const header = readImageHeader(bytes);
  if (!header)
    throw new LensError(
      'bad-image',
      `${label} is not a PNG, JPEG, WebP, GIF or BMP image, or its header is cut short. Use one of those formats.`,
    );
  const { width, height } = header;
  if (width < 1 || height < 1)
    throw new LensError('bad-image', `${label} declares ${width}×${height} pixels; it has no pixels to look at.`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new LensError(
      'image-too-large',
      `${label} declares ${width}×${height} pixels (${((width * height) / 1e6).toFixed(0)} MP); the limit is ${MAX_IMAGE_PIXELS / 1e6} MP, and it was not decoded. Downscale it and try again.`,
      { width, height },
    );
  }
  return header;
}

/** The size to decode at: the image's own, or shrunk (aspect kept) so the longest side is MAX_DECODE_SIDE. */
export function decodeSize(width: number, height: number): { width: number; height: number } {
  const scale = MAX_DECODE_SIDE / Math.max(width, height);
  if (scale >= 1) return { width, height };
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
