import { deflateSync } from 'node:zlib';

// Just enough PNG to look at snapshot heatmaps: 8-bit RGBA, filter 0 on every row, one IDAT chunk.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** PNG bytes of a width × height RGBA image, each pixel repeated `scale` times on both axes (nearest neighbour). */
export function encodePng(rgba: Uint8ClampedArray, width: number, height: number, scale = 1): Buffer {
  if (rgba.length !== width * height * 4)
    throw new Error(`encodePng: ${rgba.length} bytes is not ${width}×${height} RGBA`);
  const w = width * scale;
  const h = height * scale;
  const raw = Buffer.alloc(h * (w * 4 + 1));
  for (let y = 0; y < h; y++) {
    const row = y * (w * 4 + 1);
    for (let x = 0; x < w; x++) {
      const src = (Math.floor(y / scale) * width + Math.floor(x / scale)) * 4;
      raw.set(rgba.subarray(src, src + 4), row + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * A one-colour RGB PNG of any size, cheap to make: the first row is Sub-filtered (one pixel, then zero
 * differences) and every later row Up-filtered (all zero), so the raw stream is nearly all zeros. With `rows`,
 * only that many rows of pixel data are written: the header still declares the full size (a truncated file).
 */
export function flatPng(
  width: number,
  height: number,
  [r, g, b]: readonly [number, number, number],
  rows = height,
): Buffer {
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(rows * stride);
  raw.set([1, r, g, b], 0);
  for (let y = 1; y < rows; y++) raw[y * stride] = 2;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 1 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
