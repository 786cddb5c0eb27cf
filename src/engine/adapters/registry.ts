import type { ModelAdapter } from './adapter';
import { gemma3Adapter } from './gemma3';
import { idefics3Adapter, smolvlmAdapter } from './idefics3';
import { lfm2vlAdapter } from './lfm2vl';
import { llavaAdapter, llavaOnevisionAdapter } from './llava';
import { moondreamAdapter } from './moondream';
import { paligemmaAdapter } from './paligemma';
import { qwen25vlAdapter, qwen2vlAdapter } from './qwen2vl';

/** Model families by config.json `model_type`; one small adapter file each. The rest are refused by name with their
 * reason (unsupported-families.ts). */
export const ADAPTERS: Readonly<Record<string, ModelAdapter>> = {
  llava: llavaAdapter,
  llava_onevision: llavaOnevisionAdapter,
  idefics3: idefics3Adapter,
  smolvlm: smolvlmAdapter,
  gemma3: gemma3Adapter,
  paligemma: paligemmaAdapter,
  moondream1: moondreamAdapter,
  lfm2_vl: lfm2vlAdapter,
  qwen2_vl: qwen2vlAdapter,
  qwen2_5_vl: qwen25vlAdapter,
};
