import { catalogEntry } from '../../core/models/catalog';
import { backendFor } from '../../core/models/pick-dtype';
import { ADAPTERS } from '../adapters/registry';
import type { ModelLoader } from '../model';
import { probeCapabilities, type Environment } from '../runtime/capabilities';
import { hubCacheName, hubFolderUrl } from '../runtime/hf';
import { httpSource } from './http-source';
import { baseUrlLocation, createModelLoader, isBaseUrl } from './load-model';

/**
 * Models in the catalogue marked 'site' come from this site's models/ folder (offline); an http(s) URL is a model
 * folder at that address (a mirror, or a folder the CLI serves); any other id is a Hub model, downloaded once
 * and then served from the Cache API that transformers.js uses too.
 */
export function browserModelLoader(workerUrl: string, env: Environment): ModelLoader {
  const siteModels = new URL('../models/', workerUrl);
  // transformers.js only looks for local files at a path, never at an http(s) URL (its metadata check skips
  // URLs), so the site's folder is given as an absolute path on this origin.
  const localModelPath = siteModels.pathname;
  // Without the Cache API (or with storage blocked) models still load; they are just downloaded again next time.
  const hubCache = typeof caches === 'undefined' ? undefined : caches.open(hubCacheName()).catch(() => undefined);
  return createModelLoader({
    adapters: ADAPTERS,
    backend: async (dtype) => {
      const capabilities = await probeCapabilities(env);
      return backendFor(dtype, { backend: capabilities.backend, shaderF16: capabilities.adapter?.shaderF16 ?? false });
    },
    // A site model never falls back to the Hub (offline must stay offline); a Hub model never reads the site.
    locate: (modelId) =>
      isBaseUrl(modelId)
        ? baseUrlLocation(modelId)
        : catalogEntry(modelId)?.location === 'site'
          ? {
              source: httpSource(`${siteModels.href}${modelId}/`, undefined),
              hub: { localModelPath, allowRemoteModels: false },
            }
          : { source: httpSource(hubFolderUrl(modelId), hubCache), hub: { allowRemoteModels: true } },
  });
}
