import type { Dtype } from '../../protocol/messages';

export interface CatalogEntry {
  readonly id: string;
  readonly label: string;
  /** 'site': served by this site under models/{id}/, works offline; 'hub': downloaded from the Hugging Face Hub. */
  readonly location: 'site' | 'hub';
  readonly dtypes: readonly Dtype[];
  /** Random weights: the captions mean nothing, only the machinery is real. */
  readonly synthetic: boolean;
  readonly notice?: string;
}

export const SYNTHETIC_NOTICE = 'Synthetic model with random weights: captions are meaningless. Load a real model for real captions.';

/** Models known to work, the embedded demo first. Any other id is treated as a Hub model id. */
export const MODEL_CATALOG: readonly CatalogEntry[] = [
  { id: 'synthetic-llava-tiny', label: 'Synthetic LLaVA, tiny (built in, random weights)', location: 'site', dtypes: ['fp32'], synthetic: true, notice: SYNTHETIC_NOTICE },
];

export function catalogEntry(modelId: string): CatalogEntry | undefined {
  return MODEL_CATALOG.find((entry) => entry.id === modelId);
}
