import { LensError } from '../../protocol/errors';
import type { Backend, Dtype, FolderFile } from '../../protocol/messages';
import type { ModelAdapter, ModelConfig } from '../adapters/adapter';
import { parseJsonObject } from '../adapters/config-fields';
import { refuseUnsupportedFamily } from '../adapters/unsupported-families';
import type { ModelLoader } from '../model';
import { baseUrlModelId, configureHub, type HubSettings } from '../runtime/hf';
import type { FileSource } from './file-source';
import { folderFileSource } from './folder-file-source';
import { httpSource } from './http-source';

/** Where a model lives: its files for the engine, and how transformers.js should find its processor files. */
export interface ModelLocation {
  readonly source: FileSource;
  readonly hub: HubSettings;
  /** The id transformers.js loads the processor by, when it is not the model id (a base-URL model). */
  readonly processorId?: string;
}

/** A model folder at an http(s) base URL: our files and transformers.js's both come from there. */
export function baseUrlLocation(baseUrl: string, fetchImpl?: typeof fetch): ModelLocation {
  return {
    source: httpSource(baseUrl, undefined, fetchImpl),
    hub: { allowRemoteModels: true, baseUrl },
    processorId: baseUrlModelId(baseUrl),
  };
}

let openedFolders = 0;

/**
 * A folder opened from disk (the site's "Open a model folder…"): the engine reads its files directly, and
 * transformers.js, which only knows URLs, is pointed at a made-up base URL whose requests the files answer.
 */
export function openedFolderLocation(name: string, files: readonly FolderFile[]): ModelLocation {
  const byPath = new Map(files.map((f) => [f.path.replace(/^\.?\//, ''), f.file]));
  // A fresh URL per opening: transformers.js memoizes lookups by URL-derived id.
  const baseUrl = `https://opened-folder.invalid/${++openedFolders}/`;
  const answer: typeof fetch = async (input) => {
    const path = decodeURIComponent(new URL(String(input instanceof Request ? input.url : input)).pathname).slice(
      new URL(baseUrl).pathname.length,
    );
    const blob = byPath.get(path);
    return blob
      ? new Response(await blob.arrayBuffer(), { headers: { 'content-length': String(blob.size) } })
      : new Response(null, { status: 404 });
  };
  return {
    source: folderFileSource(name, byPath),
    hub: { allowRemoteModels: true, baseUrl, fetch: answer },
    processorId: baseUrlModelId(baseUrl),
  };
}

export const isBaseUrl = (modelId: string): boolean => /^https?:\/\//i.test(modelId);

export interface LoaderDeps {
  readonly adapters: Readonly<Record<string, ModelAdapter>>;
  readonly locate: (modelId: string) => ModelLocation;
  /** The backend a model in this dtype runs on. */
  readonly backend: (dtype: Dtype) => Promise<Backend>;
}

/** Reads config.json, picks the adapter for its model_type, and lets the adapter build the model. */
export function createModelLoader(deps: LoaderDeps): ModelLoader {
  return async (modelId, dtype, onProgress, options = {}) => {
    const {
      source,
      hub,
      processorId = modelId,
    } = options.folder ? openedFolderLocation(modelId, options.folder) : deps.locate(modelId);
    // One model loads at a time, so the global transformers.js settings can follow the model being loaded.
    configureHub(hub);
    const text = new TextDecoder().decode(await source.read('config.json', onProgress));
    const config: ModelConfig = parseJsonObject(text, `${source.origin}config.json`);
    const families = Object.keys(deps.adapters);
    const adapter = config.model_type ? deps.adapters[config.model_type] : undefined;
    if (!adapter) {
      const refusal = config.model_type && refuseUnsupportedFamily(modelId, config.model_type, families);
      if (refusal) throw refusal;
      throw new LensError(
        'unsupported-model',
        `"${modelId}" is a ${config.model_type ?? 'model without a model_type'} model; DAMRO Lens supports ${families.length ? families.join(', ') : 'no model family in this build'}.`,
        { modelType: String(config.model_type) },
      );
    }
    const noClsScorer = options.noClsScorer ?? 'mean-received-attention';
    const clsScorer = options.clsScorer ?? 'clip-single-head';
    return adapter.load(
      {
        modelId,
        dtype,
        backend: await deps.backend(dtype),
        source,
        onProgress,
        noClsScorer,
        clsScorer,
        families,
        processorId,
      },
      config,
    );
  };
}
