// A model folder opened from disk in the site ("Open a model folder…"): the page sends the folder's files to the
// worker, which loads them through the same loader as Hub models (transformers.js's requests answered from the
// files). Captions equal the same folder read from disk; a folder without config.json is refused by name.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FolderFile, WorkerEvent } from '../../src/protocol/messages';
import { runParams, runToEnd, tokensOf, useTinyEngine } from '../support/tiny-llava';

const tiny = useTinyEngine();

function filesOf(dir: string): FolderFile[] {
  const walk = (at: string): string[] =>
    readdirSync(at).flatMap((name) =>
      statSync(join(at, name)).isDirectory() ? walk(join(at, name)) : [join(at, name)],
    );
  return walk(dir).map((path) => ({ path: relative(dir, path), file: new Blob([readFileSync(path)]) }));
}

describe('a model folder opened from disk', () => {
  it('loads from its files and captions exactly as the folder read by path', async () => {
    const info = await tiny.engine['model/load']({
      modelId: 'my-export',
      dtype: 'fp32',
      folder: filesOf(tiny.folder.dir),
    });
    expect(info).toMatchObject({ id: 'my-export', family: 'llava', synthetic: true });
    const opened: WorkerEvent[] = await runToEnd(tiny.engine, tiny.events, runParams());
    await tiny.engine['model/load']({ modelId: tiny.folder.modelId, dtype: 'fp32' });
    const fromDisk = await runToEnd(tiny.engine, tiny.events, runParams());
    for (const caption of ['baseline', 'damro'] as const)
      expect(tokensOf(opened, caption)).toEqual(tokensOf(fromDisk, caption));
    expect(tokensOf(opened, 'baseline').length).toBeGreaterThan(3);
  });

  it('refuses a folder without config.json, naming the file', async () => {
    const onlyOnnx = filesOf(tiny.folder.dir).filter((f) => f.path.startsWith('onnx'));
    await expect(tiny.engine['model/load']({ modelId: 'half', dtype: 'fp32', folder: onlyOnnx })).rejects.toMatchObject(
      { code: 'model-not-found', message: expect.stringContaining('has no config.json') },
    );
  });
});
