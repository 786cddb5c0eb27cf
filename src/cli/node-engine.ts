// The engine in this process on ORT's wasm backend (CPU), reading a model folder from disk.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { EvalEngine } from '../core/eval/driver';
import { ADAPTERS } from '../engine/adapters/registry';
import { createEngine } from '../engine/engine';
import type { FileSource } from '../engine/load/file-source';
import { createModelLoader } from '../engine/load/load-model';
import { ortVersion } from '../engine/runtime/ort';
import { transformersVersion } from '../engine/runtime/hf';
import { LensError } from '../protocol/errors';
import type { ClsScorer, Dtype, ModelInfo } from '../protocol/messages';
import { REPO_ROOT } from './data';

/** A model folder on disk as a FileSource. */
export function folderSource(dir: string): FileSource {
  const read = async (path: string, onProgress: Parameters<FileSource['read']>[1]) => {
    const bytes = new Uint8Array(await readFile(join(dir, path)));
    onProgress({ file: path, loaded: bytes.length, total: bytes.length, cached: true });
    return bytes;
  };
  return {
    origin: `${dir}/`,
    read,
    readOptional: (path, onProgress) =>
      existsSync(join(dir, path)) ? read(path, onProgress) : Promise.resolve(undefined),
  };
}

/** A model folder: the path itself, or a name under public/models/ (the site's built-in models). */
export function modelFolder(modelId: string): string {
  for (const dir of [resolve(modelId), join(REPO_ROOT, 'public', 'models', modelId)])
    if (existsSync(join(dir, 'config.json'))) return dir;
  throw new LensError(
    'model-not-found',
    `No model folder with a config.json at ${resolve(modelId)} or public/models/${modelId}; the Node backend reads models from disk (npm run models:demo builds the demo model).`,
  );
}

export interface HostedEngine {
  readonly engine: EvalEngine;
  readonly info: ModelInfo;
  close(): Promise<void>;
}

export async function nodeEvalEngine(modelId: string, dtype: Dtype, clsScorer?: ClsScorer): Promise<HostedEngine> {
  const dir = modelFolder(modelId);
  const loadModel = createModelLoader({
    adapters: ADAPTERS,
    locate: () => ({
      source: folderSource(dir),
      hub: { localModelPath: `${dirname(dir)}/`, allowRemoteModels: false },
    }),
    backend: async () => 'wasm',
  });
  const api = createEngine({
    env: { gpu: undefined, crossOriginIsolated: false, ortVersion, transformersVersion },
    emit: () => undefined,
    loadModel,
  });
  const info = await api['model/load']({ modelId: basename(dir), dtype, clsScorer });
  return {
    engine: { answerImage: (params) => api['eval/image'](params), cancel: (jobId) => api['eval/cancel']({ jobId }) },
    info,
    close: async () => undefined,
  };
}
