import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileSource } from '../../src/engine/load/file-source';

/** A model folder on disk as a FileSource, for running the real loader in Node. */
export function diskSource(dir: string): FileSource {
  const read = async (path: string, onProgress: Parameters<FileSource['read']>[1]) => {
    const bytes = new Uint8Array(await readFile(join(dir, path)));
    onProgress({ file: path, loaded: bytes.length, total: bytes.length, cached: false });
    return bytes;
  };
  return {
    origin: `${dir}/`,
    read,
    async readOptional(path, onProgress) {
      try {
        return await read(path, onProgress);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}
