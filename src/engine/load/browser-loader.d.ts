import type { ModelLoader } from '../model';
import { type Environment } from '../runtime/capabilities';
/**
 * Models in the catalogue marked 'site' come from this site's models/ folder (offline); any other id is a Hub
 * model, downloaded once and then served from the Cache API that transformers.js uses too.
 */
export declare function browserModelLoader(workerUrl: string, env: Environment): ModelLoader;
