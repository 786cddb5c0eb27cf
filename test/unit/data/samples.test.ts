// public/samples/PROVENANCE.md records where each sample photo came from: every file it lists must be there with
// its size and checksum, nothing else may be there, and samples.json must parse with COCO words only.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSampleList } from '../../../src/core/samples/sample-list';

const SAMPLES_DIR = fileURLToPath(new URL('../../../public/samples/', import.meta.url));

function listed(): Map<string, { bytes: number; sha256: string }> {
  const rows = readFileSync(join(SAMPLES_DIR, 'PROVENANCE.md'), 'utf8').matchAll(
    /^\| `([^`]+)` \|.*\| (\d+) \| ([0-9a-f]{64}) \|$/gm,
  );
  return new Map([...rows].map(([, file, bytes, sha256]) => [file, { bytes: Number(bytes), sha256 }]));
}

describe('public/samples', () => {
  const files = listed();
  const samples = parseSampleList(JSON.parse(readFileSync(join(SAMPLES_DIR, 'samples.json'), 'utf8')));

  it('lists every shipped file in PROVENANCE.md with its true size and sha256, and only those', () => {
    expect(
      readdirSync(SAMPLES_DIR)
        .filter((f) => f !== 'PROVENANCE.md')
        .sort(),
    ).toEqual([...files.keys()].sort());
    expect(files.size).toBe(4);
    for (const [file, expected] of files) {
      const bytes = readFileSync(resolve(SAMPLES_DIR, file));
      expect({ file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({
        file,
        ...expected,
      });
    }
  });

  it('offers each photo once with its hand-written COCO objects, small enough to fetch at once', () => {
    expect(samples.map((s) => [s.file, s.objects])).toEqual([
      ['chelsea.jpg', ['cat']],
      ['coffee.jpg', ['cup', 'spoon', 'dining table']],
      ['astronaut.jpg', ['person']],
    ]);
    for (const s of samples) expect(files.get(s.file)!.bytes, s.file).toBeLessThan(150_000);
  });

  it('refuses a list with a word CHAIR does not know, naming the entry', () => {
    const bad = {
      version: 1,
      samples: [{ file: 'a.jpg', title: 'A', objects: ['cat', 'rocket'], licence: 'CC0', credit: 'me' }],
    };
    expect(() => parseSampleList(bad)).toThrow('samples/samples.json, sample 1: "rocket" are not COCO object words.');
    expect(() => parseSampleList({ version: 2, samples: [] })).toThrow(/not a version-1 sample list/);
  });
});
