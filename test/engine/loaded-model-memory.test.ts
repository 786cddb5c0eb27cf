// A loaded model keeps its ORT sessions, not the model files they were made from: once the sessions exist, the bytes
// read from the folder (and the tapped or expanded copies made from them) must be collectable. Closures a model keeps
// that share the loader's scope would hold every file for as long as the model is loaded, which on a real model is
// hundreds of MB of JS memory beside what ONNX Runtime holds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../src/engine/adapters/registry';
import { folderSource } from '../../src/cli/node-engine';
import { createModelLoader } from '../../src/engine/load/load-model';
import type { FileSource } from '../../src/engine/load/file-source';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

const root = mkdtempSync(join(tmpdir(), 'damro-loaded-memory-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The folder's files, each .onnx one watched through a WeakRef as it is handed out. */
function watchedSource(dir: string, watched: WeakRef<Uint8Array>[]): FileSource {
  const inner = folderSource(dir);
  const watch = <T extends Uint8Array | undefined>(path: string, bytes: T): T => {
    if (bytes && path.endsWith('.onnx')) watched.push(new WeakRef(bytes));
    return bytes;
  };
  return {
    origin: inner.origin,
    read: async (path, onProgress) => watch(path, await inner.read(path, onProgress)),
    readOptional: async (path, onProgress) => watch(path, await inner.readOptional(path, onProgress)),
  };
}

describe('a loaded model', () => {
  it.each(['q4', 'fp32'] as const)('(%s, on the CPU backend) holds none of the .onnx files it read', async (dtype) => {
    const dir = join(root, `tiny-${dtype}`);
    await writeModelFolder(dir, makeLlavaModel({ size: 'tiny', dtype }).files);
    const watched: WeakRef<Uint8Array>[] = [];
    const load = createModelLoader({
      adapters: ADAPTERS,
      locate: () => ({
        source: watchedSource(dir, watched),
        hub: { localModelPath: `${dirname(dir)}/`, allowRemoteModels: false },
      }),
      backend: async () => 'wasm',
    });
    const model = await load(`tiny-${dtype}`, dtype, () => undefined);
    await settle();
    collectGarbage();
    await settle();
    expect(watched.length).toBe(3);
    expect(watched.filter((ref) => ref.deref() !== undefined).length).toBe(0);
    expect(model.info.decoder.layers).toBe(2);
    await model.dispose();
  });
});
