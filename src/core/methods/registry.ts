// Every contrastive decoding method DAMRO Lens can run beside the baseline, by name.
import { ABLATION, type AblationParams } from './ablation';
import { AVISC, type AviscParams } from './avisc';
import { DAMRO, type DamroMethodParams } from './damro';
import { M3ID, type M3idParams } from './m3id';
import type { MethodName, MethodSpec } from './method';
import { VCD, type VcdParams } from './vcd';

export interface MethodParams {
  readonly damro: DamroMethodParams;
  readonly vcd: VcdParams;
  readonly m3id: M3idParams;
  readonly avisc: AviscParams;
  readonly ablation: AblationParams;
}

export const METHODS: { readonly [M in MethodName]: MethodSpec<MethodParams[M]> } = {
  damro: DAMRO,
  vcd: VCD,
  m3id: M3ID,
  avisc: AVISC,
  ablation: ABLATION,
};

/** One method with its parameters, as a run asks for it. */
export type MethodChoice = { [M in MethodName]: { readonly method: M; readonly params: MethodParams[M] } }[MethodName];
