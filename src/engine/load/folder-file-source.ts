import { LensError } from '../../protocol/errors';
import type { FileLoadProgress, FolderFile } from '../../protocol/messages';
import type { FileSource } from './file-source';

/** The files of a folder opened from disk (by path inside the folder) as a FileSource. */
export function folderFileSource(name: string, files: ReadonlyMap<string, FolderFile['file']>): FileSource {
  const read = async (path: string, onProgress: (progress: FileLoadProgress) => void) => {
    const file = files.get(path);
    if (!file) return undefined;
    const bytes = new Uint8Array(await file.arrayBuffer());
    onProgress({ file: path, loaded: bytes.length, total: bytes.length, cached: true });
    return bytes;
  };
  return {
    origin: `the opened folder ${name}/`,
    async read(path, onProgress) {
      const bytes = await read(path, onProgress);
      if (!bytes)
        throw new LensError(
          'model-not-found',
          `The opened folder ${name} has no ${path}; open the folder that holds config.json and onnx/.`,
        );
      return bytes;
    },
    readOptional: read,
  };
}
