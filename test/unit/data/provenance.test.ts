// public/data/PROVENANCE.md is the record of what the project ships and where it came from: every file it
// lists must be there with its size and checksum, and nothing may be there that it does not list.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_DIR } from '../../support/repo-data';

function listed(): Map<string, { bytes: number; sha256: string }> {
  const rows = readFileSync(join(DATA_DIR, 'PROVENANCE.md'), 'utf8').matchAll(
    /^\| `([^`]+)` \|[^|]*\| (\d+) \| ([0-9a-f]{64}) \|$/gm,
  );
  return new Map([...rows].map(([, file, bytes, sha256]) => [file, { bytes: Number(bytes), sha256 }]));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)],
  );
}

describe('public/data/PROVENANCE.md', () => {
  const files = listed();

  it('lists every data file the project ships, and only those', () => {
    const present = filesUnder(DATA_DIR)
      .map((file) => relative(DATA_DIR, file))
      .filter((file) => file !== 'PROVENANCE.md');
    expect(present.sort()).toEqual([...files.keys()].sort());
    expect(files.size).toBe(8);
  });

  it('gives each file its true size and sha256', () => {
    for (const [file, expected] of files) {
      const bytes = readFileSync(join(DATA_DIR, file));
      expect({ file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({
        file,
        ...expected,
      });
    }
  });

  it('keeps MME question lists out (MME terms)', () => {
    expect([...files.keys()].filter((file) => /eval_mme|Your_Results/.test(file))).toEqual([]);
  });
});
