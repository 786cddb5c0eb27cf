import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';

// File snapshots in the style of Observable Plot's tests: the expected file lives in test/snapshots/; a missing
// one is written (commit it), except in CI where it fails; a mismatch writes a `-changed` file beside it so the
// difference can be looked at and, if intended, moved over the old one.

export const SNAPSHOT_DIR = resolve(dirname(new URL(import.meta.url).pathname), '..', 'snapshots');

const changedPath = (path: string): string => path.slice(0, -extname(path).length) + '-changed' + extname(path);

export interface SnapshotVerdict {
  readonly matches: boolean;
  readonly message: string;
}

/**
 * Compares `actual` with test/snapshots/<name>; `artifacts` (e.g. a PNG to look at) are written beside it, or as
 * -changed files on a mismatch.
 */
export function fileSnapshot(
  name: string,
  actual: string,
  artifacts: Readonly<Record<string, Uint8Array>> = {},
): SnapshotVerdict {
  const path = resolve(SNAPSHOT_DIR, name);
  mkdirSync(dirname(path), { recursive: true });
  const write = (suffix: (p: string) => string): void => {
    writeFileSync(suffix(path), actual);
    for (const [artifact, bytes] of Object.entries(artifacts))
      writeFileSync(suffix(resolve(SNAPSHOT_DIR, artifact)), bytes);
  };
  if (!existsSync(path)) {
    if (process.env.CI)
      return {
        matches: false,
        message: `Snapshot ${name} is missing; run the tests locally and commit test/snapshots/${name}.`,
      };
    write((p) => p);
    return { matches: true, message: `wrote new snapshot ${name}` };
  }
  if (readFileSync(path, 'utf8') === actual) {
    for (const p of [path, ...Object.keys(artifacts).map((a) => resolve(SNAPSHOT_DIR, a))])
      rmSync(changedPath(p), { force: true });
    for (const [artifact, bytes] of Object.entries(artifacts))
      if (!existsSync(resolve(SNAPSHOT_DIR, artifact))) writeFileSync(resolve(SNAPSHOT_DIR, artifact), bytes);
    return { matches: true, message: `snapshot ${name} matches` };
  }
  write(changedPath);
  return {
    matches: false,
    message: `Snapshot ${name} changed; compare it with ${changedPath(name)} (and its artifacts) and replace the old file if the change is intended.`,
  };
}

export const sha256 = (bytes: ArrayBufferView): string =>
  createHash('sha256')
    .update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    .digest('hex');

/** JSON with every float rounded to 3 decimals, so snapshots do not churn on the last bits of a computation. */
export function stableJson(value: unknown): string {
  return (
    JSON.stringify(
      value,
      (_key, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v),
      2,
    ) + '\n'
  );
}
