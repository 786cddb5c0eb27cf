import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findCdnUrls, findDocCitations, inspectBuild, sha256 } from './build-inspection';

const root = new URL('../../', import.meta.url).pathname;
const readJson = (path: string) =>
  JSON.parse(readFileSync(`${root}${path}`, 'utf8')) as Record<string, Record<string, string>>;

describe('production build', () => {
  const report = inspectBuild(`${root}dist/`);

  it('installs one onnxruntime-web, the version transformers.js pins', () => {
    const pinned = readJson('node_modules/@huggingface/transformers/package.json').dependencies['onnxruntime-web'];
    const listing = JSON.parse(
      execFileSync('npm', ['ls', 'onnxruntime-web', '--all', '--json'], { cwd: root, encoding: 'utf8' }),
    ) as unknown;
    const versions = new Set<string>();
    const visit = (node: unknown, name?: string) => {
      if (typeof node !== 'object' || node === null) return;
      const { version, dependencies } = node as { version?: string; dependencies?: Record<string, unknown> };
      if (name === 'onnxruntime-web' && version) versions.add(version);
      for (const [child, value] of Object.entries(dependencies ?? {})) visit(value, child);
    };
    visit(listing);
    expect([...versions]).toEqual([pinned]);
  });

  it('ships exactly one ORT runtime, whose wasm is the pinned package’s own binary', () => {
    expect(report.ortBundleChunks).toHaveLength(1);
    expect(report.ortWasm).toHaveLength(1);
    const pinnedWasm = readFileSync(`${root}node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm`);
    expect(report.ortWasm[0].sha256).toBe(sha256(pinnedWasm));
  });

  it('references no CDN', () => {
    expect(report.cdnUrls).toEqual([]);
  });

  it('shows no text that cites a design document', () => {
    expect(report.docCitations).toEqual([]);
  });

  it('the citation detector finds document names and section marks', () => {
    const sample =
      'a="see browser-stack.md §1.3";b="damro-spec §2";c="src/architecture.md";d="Sizes: listings of 2026";e=gpu.architecture';
    expect(findDocCitations(sample)).toEqual(['browser-stack.md', '§1.3', 'damro-spec', '§2', 'architecture.md']);
  });

  it('the CDN detector recognises the URLs it must refuse and lets the Hub through', () => {
    const sample =
      'a="https://cdn.jsdelivr.net/npm/onnxruntime-web@1.2.3/dist/";b=`https://unpkg.com/x`;c="https://huggingface.co/"';
    expect(findCdnUrls(sample)).toEqual([
      'https://cdn.jsdelivr.net/npm/onnxruntime-web@1.2.3/dist/',
      'https://unpkg.com/x',
    ]);
  });
});
