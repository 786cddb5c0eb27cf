import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const CDN_URL =
  /https?:\/\/(?:cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|esm\.sh|cdn\.skypack\.dev|ga\.jspm\.io|jspm\.dev|fonts\.googleapis\.com|fonts\.gstatic\.com)[^\s"'`)]*/g;
/** Every ORT wasm glue module names its binary with this stem; it is our fingerprint of an ORT runtime. */
const ORT_MARKER = 'ort-wasm-simd-threaded';

/** The project's design documents: maintainers' reading, never something a person using the site is sent to. */
const DOC_CITATION = /\b(?:damro-spec|browser-stack)(?:\.md)?\b|\b(?:architecture|PROVENANCE)\.md\b|§\s?\d+(?:\.\d+)*/g;

export function findDocCitations(text: string): string[] {
  return [...text.matchAll(DOC_CITATION)].map((match) => match[0]);
}

export function findCdnUrls(text: string): string[] {
  return [...text.matchAll(CDN_URL)].map((match) => match[0]);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export interface BuildReport {
  /** ORT wasm binaries in the build, with their sha256. */
  readonly ortWasm: ReadonlyArray<{ file: string; sha256: string }>;
  /** JavaScript chunks that contain an ORT runtime. */
  readonly ortBundleChunks: readonly string[];
  readonly cdnUrls: readonly string[];
  /** Citations of the design documents in the site's own code (its text, minified; vendor chunks excluded). */
  readonly docCitations: readonly string[];
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function inspectBuild(dist: string): BuildReport {
  const files = walk(dist);
  const textFiles = files.filter((file) => /\.(m?js|html|css|json)$/.test(file));
  const texts = new Map(textFiles.map((file) => [file, readFileSync(file, 'utf8')]));
  return {
    ortWasm: files
      .filter((file) => /ort.*\.wasm$/.test(file))
      .map((file) => ({ file: relative(dist, file), sha256: sha256(readFileSync(file)) })),
    ortBundleChunks: [...texts].filter(([, text]) => text.includes(ORT_MARKER)).map(([file]) => relative(dist, file)),
    cdnUrls: [...texts].flatMap(([file, text]) => findCdnUrls(text).map((url) => `${relative(dist, file)}: ${url}`)),
    // data/ holds the served data files (public/data/): words in them are data, not text the site shows.
    docCitations: [...texts]
      .filter(([file]) => !relative(dist, file).startsWith('data/'))
      .flatMap(([file, text]) => findDocCitations(text).map((hit) => `${relative(dist, file)}: ${hit}`)),
  };
}
