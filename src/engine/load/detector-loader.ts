// Where detectors come from: the site's models/ folder for catalogue entries marked 'site' (offline), the Hub
// for any other id, with the transformers.js settings that say so set just before loading.
import { detectorEntry } from '../../core/models/detectors';
import type { DetectorLoader } from '../detect/detect';
import { configureHub, loadObjectDetection } from '../runtime/hf';
import type { Backend } from '../../protocol/messages';

export function browserDetectorLoader(workerUrl: string, backend: () => Promise<Backend>): DetectorLoader {
  const localModelPath = new URL('../models/', workerUrl).pathname;
  return async (modelId) => {
    const site = detectorEntry(modelId)?.location === 'site';
    configureHub(site ? { localModelPath, allowRemoteModels: false } : { allowRemoteModels: true });
    return loadObjectDetection(modelId, await backend());
  };
}
