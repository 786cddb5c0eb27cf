import { catalogEntry } from '../../core/models/catalog';
import { ADAPTERS } from '../adapters/registry';
import type { ModelLoader } from '../model';
import { probeCapabilities, type Environment } from '../runtime/capabilities';
import { configureHub, hubCacheName, hubFolderUrl } from '../runtime/hf';
import { httpSource } from './http-source';
import { createModelLoader } from './load-model';

/**
 * Models in the catalogue marked 'site' come from this site's models/ folder (offline); any other id is a Hub
 * model, downloaded once and then served from the Cache API that transformers.js uses too.
 */
export function browserModelLoader(workerUrl: string, env: Environment): ModelLoader {
  const siteModels = new URL('../models/', workerUrl).href;
  configureHub({ localModelPath: siteModels, allowRemoteModels: true });
  // Without the Cache API (or with storage blocked) models still load; they are just downloaded again next time.
  const hubCache = typeof caches === 'undefined' ? undefined : caches.open(hubCacheName()).catch(() => undefined);
  return createModelLoader({
    adapters: ADAPTERS,
    backend: async () => (await probeCapabilities(env)).backend,
    sourceFor: (modelId) => (catalogEntry(modelId)?.location === 'site' ? httpSource(`${siteModels}${modelId}/`, undefined) : httpSource(hubFolderUrl(modelId), hubCache)),
  });
}
