import type { LlavaWeights } from '../llava/weights';

/**
 * A SigLIP-tower family's fixture on the llava generator's weights: its model folder as in-memory files, and the
 * weights and dims that the float64 references read.
 */
export interface SiglipFamilyModel<D> {
  readonly files: Map<string, Uint8Array>;
  readonly weights: LlavaWeights;
  readonly dims: D;
  /** Patches (raster order on the patch grid) built to be high-norm outliers. */
  readonly outlierPatches: readonly number[];
}
