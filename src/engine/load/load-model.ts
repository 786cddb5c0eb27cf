import { LensError } from '../../protocol/errors';
import type { Backend } from '../../protocol/messages';
import type { ModelAdapter, ModelConfig } from '../adapters/adapter';
import type { ModelLoader } from '../model';
import type { FileSource } from './file-source';

export interface LoaderDeps {
  readonly adapters: Readonly<Record<string, ModelAdapter>>;
  readonly sourceFor: (modelId: string) => FileSource;
  readonly backend: () => Promise<Backend>;
}

/** Reads config.json, picks the adapter for its model_type, and lets the adapter build the model. */
export function createModelLoader(deps: LoaderDeps): ModelLoader {
  return async (modelId, dtype, onProgress) => {
    const source = deps.sourceFor(modelId);
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
    return adapter.load({ modelId, dtype, backend: await deps.backend(), source, onProgress }, config);
  };
}
