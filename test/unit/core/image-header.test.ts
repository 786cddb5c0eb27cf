// Declared sizes read from hand-built headers, byte by byte as each format's specification lays them out, and
// the refusal of a decompression bomb before anything decodes it.
import { describe, expect, it } from 'vitest';
import { checkedImageHeader, decodeSize, MAX_DECODE_SIDE, readImageHeader } from '../../../src/core/image/header';

const bytes = (...parts: (number | string | number[])[]): Uint8Array =>
  Uint8Array.from(
    parts.flatMap((p) =>
      typeof p === 'number' ? [p] : typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p,
    ),
  );
const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const le16 = (n: number) => [n & 255, (n >>> 8) & 255];
const le24 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255];
const le32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];

/** Signature, then the IHDR chunk: length 13, type, width, height, depth 8, colour type 6, … (no CRC needed). */
const png = (w: number, h: number) => bytes(0x89, 'PNG\r\n\x1a\n', be32(13), 'IHDR', be32(w), be32(h), 8, 6, 0, 0, 0);
/** SOI, an APP0 (JFIF) segment of 16 bytes, a DQT of 4, then SOF2 (progressive): length, precision, height, width. */
const jpeg = (w: number, h: number) =>
  bytes(
    0xff,
    0xd8,
    0xff,
    0xe0,
    0,
    16,
    'JFIF',
    0,
    1,
    1,
    0,
    0,
    1,
    0,
    1,
    0,
    0,
    0xff,
    0xff,
    0xdb,
    0,
    4,
    0,
    0,
    0xff,
    0xc2,
    0,
    17,
    8,
    h >> 8,
    h & 255,
    w >> 8,
    w & 255,
    3,
  );

describe('readImageHeader', () => {
  it('reads PNG IHDR sizes as big-endian 32-bit numbers', () => {
    expect(readImageHeader(png(16000, 16000))).toEqual({ format: 'png', width: 16000, height: 16000 });
    expect(readImageHeader(png(0x01020304, 7))).toEqual({ format: 'png', width: 16909060, height: 7 });
  });

  it('walks JPEG segments (skipping APP0, a fill byte and DQT) to the progressive frame header', () => {
    expect(readImageHeader(jpeg(12000, 9000))).toEqual({ format: 'jpeg', width: 12000, height: 9000 });
    // A baseline SOF0 right after SOI.
    expect(readImageHeader(bytes(0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0x01, 0x2c, 0x02, 0x58, 3, 0, 0))).toEqual({
      format: 'jpeg',
      width: 600,
      height: 300,
    });
    // DHT (C4) is not a frame header even though it lies in the C0–CF range: its "size" must not be read.
    expect(
      readImageHeader(bytes(0xff, 0xd8, 0xff, 0xc4, 0, 4, 9, 9, 0xff, 0xc0, 0, 17, 8, 0, 2, 0, 3, 3, 0, 0)),
    ).toEqual({ format: 'jpeg', width: 3, height: 2 });
  });

  it('gives up on a JPEG whose frame header is past the bytes it was given or after the scan', () => {
    expect(readImageHeader(jpeg(100, 100).slice(0, 30))).toBeUndefined();
    expect(readImageHeader(bytes(0xff, 0xd8, 0xff, 0xda, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0))).toBeUndefined();
  });

  it('reads GIF logical-screen sizes as little-endian 16-bit numbers', () => {
    expect(readImageHeader(bytes('GIF89a', le16(640), le16(480), 0, 0, 0))).toEqual({
      format: 'gif',
      width: 640,
      height: 480,
    });
    expect(readImageHeader(bytes('GIF87a', le16(65535), le16(1), 0, 0, 0))).toEqual({
      format: 'gif',
      width: 65535,
      height: 1,
    });
  });

  it('reads the three WebP layouts: lossy VP8, lossless VP8L and extended VP8X', () => {
    const riff = (chunk: string, payload: number[]) =>
      bytes('RIFF', le32(4 + 8 + payload.length), 'WEBP', chunk, le32(payload.length), payload);
    // VP8: frame tag (3 bytes), start code 9d 01 2a, then 14-bit sizes (the top 2 bits are scaling: masked off).
    expect(
      readImageHeader(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(0xc000 | 1024), ...le16(768), 0, 0])),
    ).toEqual({ format: 'webp', width: 1024, height: 768 });
    // VP8L: 0x2f, then (width − 1) in bits 0–13 and (height − 1) in bits 14–27: 399 | 299 << 14 = 0x004ac18f.
    expect(readImageHeader(riff('VP8L', [0x2f, ...le32(399 | (299 << 14)), 0, 0, 0, 0, 0]))).toEqual({
      format: 'webp',
      width: 400,
      height: 300,
    });
    // VP8X: flags (4 bytes), then canvas width − 1 and height − 1 in 24 bits each.
    expect(readImageHeader(riff('VP8X', [0, 0, 0, 0, ...le24(15999), ...le24(15999)]))).toEqual({
      format: 'webp',
      width: 16000,
      height: 16000,
    });
  });

  it('reads BMP sizes from the 40-byte info header (negative height: top-down rows) and the old 12-byte core header', () => {
    const fileHeader = bytes('BM', le32(0), le32(0), le32(0));
    expect(readImageHeader(bytes([...fileHeader], le32(40), le32(320), le32(-240 >>> 0), 1, 0, 24, 0))).toEqual({
      format: 'bmp',
      width: 320,
      height: 240,
    });
    expect(readImageHeader(bytes([...fileHeader], le32(12), le16(64), le16(32), 1, 0, 24, 0, 0, 0, 0, 0))).toEqual({
      format: 'bmp',
      width: 64,
      height: 32,
    });
  });

  it('knows nothing of other bytes or of a header cut short', () => {
    expect(readImageHeader(bytes('%PDF-1.7 and more bytes here......'))).toBeUndefined();
    expect(readImageHeader(png(10, 10).slice(0, 20))).toBeUndefined();
    expect(readImageHeader(new Uint8Array(0))).toBeUndefined();
  });
});

describe('checkedImageHeader and decodeSize', () => {
  it('refuses the 16000×16000 PNG bomb by its header, naming the file and the size', () => {
    expect(() => checkedImageHeader(png(16000, 16000), '"bomb.png"')).toThrowError(
      expect.objectContaining({
        code: 'image-too-large',
        message: expect.stringMatching(
          /^"bomb\.png" declares 16000×16000 pixels \(256 MP\); the limit is 150 MP, and it was not decoded\./,
        ),
      }),
    );
  });

  it('accepts a 12000×12000 photo (144 MP) and decodes it with its longest side at 4096', () => {
    expect(checkedImageHeader(jpeg(12000, 12000), '"big.jpg"')).toEqual({
      format: 'jpeg',
      width: 12000,
      height: 12000,
    });
    expect(MAX_DECODE_SIDE).toBe(4096);
    expect(decodeSize(12000, 12000)).toEqual({ width: 4096, height: 4096 });
    // 12000×9000 scaled by 4096/12000: 9000 · 0.34133 = 3072.
    expect(decodeSize(12000, 9000)).toEqual({ width: 4096, height: 3072 });
    expect(decodeSize(640, 480)).toEqual({ width: 640, height: 480 });
  });

  it('refuses what is not an image, and an image with no pixels, naming the file', () => {
    expect(() => checkedImageHeader(bytes('hello world, not an image'), '"notes.png"')).toThrowError(
      expect.objectContaining({
        code: 'bad-image',
        message: expect.stringContaining('"notes.png" is not a PNG, JPEG, WebP, GIF or BMP image'),
      }),
    );
    expect(() => checkedImageHeader(png(0, 10), '"empty.png"')).toThrowError(
      expect.objectContaining({ code: 'bad-image', message: expect.stringContaining('0×10') }),
    );
  });
});
