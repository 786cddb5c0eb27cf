// The only module that imports @huggingface/transformers (processors, tokenizers, Hub cache).
// ./ort must be evaluated first so transformers.js finds the wasm location already set.
import './ort';
import { AutoProcessor, env, RawImage, type Processor } from '@huggingface/transformers';

export const transformersVersion: string = env.version;

export { RawImage };
export type { Processor };

export interface HubSettings {
  /** Where models served by this site (or a folder in Node) live; `undefined` disables local models. */
  readonly localModelPath?: string;
  readonly allowRemoteModels: boolean;
}

export function configureHub(settings: HubSettings): void {
  env.allowLocalModels = settings.localModelPath !== undefined;
  if (settings.localModelPath !== undefined) env.localModelPath = settings.localModelPath;
  env.allowRemoteModels = settings.allowRemoteModels;
}

/** The Hub URL of a model's folder, the way transformers.js builds it (so both share one browser cache). */
export function hubFolderUrl(modelId: string, revision = 'main'): string {
  return `${env.remoteHost}${env.remotePathTemplate.replaceAll('{model}', modelId).replaceAll('{revision}', encodeURIComponent(revision))}`;
}

export const hubCacheName = (): string => env.cacheKey;

export function loadProcessor(modelId: string): Promise<Processor> {
  return AutoProcessor.from_pretrained(modelId);
}

// The llava model class, for loading a model folder in Node tests and tools (model_type "llava").
export { AutoProcessor, LlavaForConditionalGeneration } from '@huggingface/transformers';
