// The worker's image decode in Node (sharp through transformers.js): the declared size is judged before any
// decoder runs, and a picture wider than MAX_DECODE_SIDE is decoded smaller while boxes and patches keep being
// reported in its own pixels. The CLI refuses BMP (sharp has no BMP decoder) before a run starts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage, refuseBmpForNode } from '../../src/cli/images';
import { decodeImageSized } from '../../src/engine/load/image';
import { flatPng } from '../support/png';

const encoded = (bytes: Uint8Array) => ({
  kind: 'encoded' as const,
  bytes: Uint8Array.from(bytes).buffer,
  mime: 'image/png',
});

describe('decodeImageSized', () => {
  it('refuses a PNG declaring 16000×16000 by its header: the truncated body is never decoded', async () => {
    await expect(decodeImageSized(encoded(flatPng(16000, 16000, [0, 0, 0], 2)))).rejects.toMatchObject({
      code: 'image-too-large',
      message: expect.stringContaining('16000×16000 pixels (256 MP)'),
    });
  });

  it('decodes a 5000×40 PNG at 4096×33 and reports its own size', async () => {
    const { image, width, height } = await decodeImageSized(encoded(flatPng(5000, 40, [90, 140, 200])));
    // 40 · 4096 / 5000 = 32.77, rounded to 33.
    expect([image.width, image.height, image.channels]).toEqual([4096, 33, 3]);
    expect([width, height]).toEqual([5000, 40]);
    expect(Array.from(image.data.slice(0, 3))).toEqual([90, 140, 200]);
  });

  it('decodes a small PNG as it is', async () => {
    const { image, width, height } = await decodeImageSized(encoded(flatPng(48, 40, [10, 20, 30])));
    expect([image.width, image.height, width, height]).toEqual([48, 40, 48, 40]);
  });
});

describe('the CLI’s image folder', () => {
  it('refuses BMP files before the run (by their bytes, whatever the name) and names the file of a bomb', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'damro-images-'));
    try {
      writeFileSync(join(dir, 'a.png'), flatPng(8, 8, [1, 2, 3]));
      writeFileSync(join(dir, 'b.jpg'), Buffer.from('BM' + '\0'.repeat(60), 'latin1'));
      writeFileSync(join(dir, 'bomb.png'), flatPng(16000, 16000, [0, 0, 0], 2));
      await expect(refuseBmpForNode(dir, ['a.png'])).resolves.toBeUndefined();
      await expect(refuseBmpForNode(dir, ['a.png', 'b.jpg'])).rejects.toMatchObject({
        code: 'bad-image',
        message: expect.stringMatching(
          /^1 image\(s\) in .* are BMP \(b\.jpg\), which the Node backend cannot decode\. Convert them to PNG, or run with --backend chromium\.$/,
        ),
      });
      await expect(readImage(dir, 'bomb.png')).rejects.toMatchObject({
        code: 'image-too-large',
        message: expect.stringContaining(`"${join(dir, 'bomb.png')}" declares 16000×16000`),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
