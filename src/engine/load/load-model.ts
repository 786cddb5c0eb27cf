import { LensError } from '../../protocol/errors';
import type { Backend, Dtype } from '../../protocol/messages';
import type { ModelAdapter, ModelConfig } from '../adapters/adapter';
import type { ModelLoader } from '../model';
import { baseUrlModelId, configureHub, type HubSettings } from '../runtime/hf';
import type { FileSource } from './file-source';
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
  return { source: httpSource(baseUrl, undefined, fetchImpl), hub: { allowRemoteModels: true, baseUrl }, processorId: baseUrlModelId(baseUrl) };
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
    const { source, hub, processorId = modelId } = deps.locate(modelId);
    // One model loads at a time, so the global transformers.js settings can follow the model being loaded.
    configureHub(hub);
    const text = new TextDecoder().decode(await source.read('config.json', onProgress));
    let config: ModelConfig;
    try {
      config = JSON.parse(text) as ModelConfig;
    } catch {
      throw new LensError('unsupported-model', `${source.origin}config.json is not valid JSON; this does not look like a transformers.js model folder.`);
    }
    const families = Object.keys(deps.adapters);
    const adapter = config.model_type ? deps.adapters[config.model_type] : undefined;
    if (!adapter) {
      throw new LensError('unsupported-model', `"${modelId}" is a ${config.model_type ?? 'model without a model_type'} model; DAMRO Lens supports ${families.length ? families.join(', ') : 'no model family in this build'}.`, { modelType: String(config.model_type) });
    }
    const noClsScorer = options.noClsScorer ?? 'mean-received-attention';
    const clsScorer = options.clsScorer ?? 'clip-single-head';
    return adapter.load({ modelId, dtype, backend: await deps.backend(dtype), source, onProgress, noClsScorer, clsScorer, families, processorId }, config);
  };
}
