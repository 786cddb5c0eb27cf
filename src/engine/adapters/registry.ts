import type { ModelAdapter } from './adapter';
import { llavaAdapter } from './llava';

/** Model families by config.json `model_type`; one small adapter file each. */
export const ADAPTERS: Readonly<Record<string, ModelAdapter>> = { llava: llavaAdapter };
