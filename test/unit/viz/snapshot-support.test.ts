import { inflateSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng } from '../../support/png';
import { fileSnapshot, SNAPSHOT_DIR, stableJson } from '../../support/file-snapshot';

describe('PNG encoder (test support)', () => {
  it('crc32 matches the constant every PNG ends with (IEND → AE426082)', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  it('writes a valid header and rows that inflate back to the (upscaled) pixels', () => {
    const rgba = Uint8ClampedArray.of(255, 0, 0, 255, 0, 0, 255, 128);
    const png = encodePng(rgba, 2, 1, 2);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([4, 2]);
    const idatLength = png.readUInt32BE(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    const row = [0, 255, 0, 0, 255, 255, 0, 0, 255, 0, 0, 255, 128, 0, 0, 255, 128];
    expect(Array.from(raw)).toEqual([...row, ...row]);
  });
});

describe('fileSnapshot (test support)', () => {
  it('writes a missing snapshot, accepts an equal one, writes -changed files on a difference', () => {
    const dir = mkdtempSync(join(SNAPSHOT_DIR, 'tmp-'));
    const name = `${dir.slice(SNAPSHOT_DIR.length + 1)}/x.json`;
    try {
      const ci = process.env.CI;
      delete process.env.CI;
      expect(fileSnapshot(name, 'a\n').matches).toBe(true);
      if (ci !== undefined) process.env.CI = ci;
      expect(readFileSync(join(dir, 'x.json'), 'utf8')).toBe('a\n');
      expect(fileSnapshot(name, 'a\n').matches).toBe(true);
      const changed = fileSnapshot(name, 'b\n', { [`${name.replace('x.json', 'x.png')}`]: Uint8Array.of(1) });
      expect(changed.matches).toBe(false);
      expect(changed.message).toMatch(/x-changed\.json/);
      expect(readFileSync(join(dir, 'x-changed.json'), 'utf8')).toBe('b\n');
      expect(existsSync(join(dir, 'x-changed.png'))).toBe(true);
      writeFileSync(join(dir, 'x.json'), 'b\n');
      expect(fileSnapshot(name, 'b\n').matches).toBe(true);
      expect(existsSync(join(dir, 'x-changed.json'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stableJson rounds floats to 3 decimals and keeps integers', () => {
    expect(stableJson({ a: 1 / 3, b: 2, c: [0.0005, -1.23456] })).toBe(
      '{\n  "a": 0.333,\n  "b": 2,\n  "c": [\n    0.001,\n    -1.235\n  ]\n}\n',
    );
  });
});
