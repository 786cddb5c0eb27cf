// Every contrastive decoding method DAMRO Lens can run beside the baseline, by name.
import { LensError } from '../../protocol/errors';
import type { ComparedMethod } from '../../protocol/messages';
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

/**
 * A compared method as the page asks for it, checked: a known name, exactly its hyper-parameters, each a finite
 * number, each within the method's bounds.
 */
export function methodChoice(wire: ComparedMethod): MethodChoice {
  const spec = (METHODS as Readonly<Record<string, MethodSpec<object>>>)[wire.method];
  if (!spec)
    throw new LensError(
      'bad-request',
      `Unknown method "${wire.method}"; the methods are ${Object.keys(METHODS).join(', ')}.`,
    );
  const expected = Object.keys(spec.defaults).sort();
  const given = Object.keys(wire.params).sort();
  const bad = given.filter((name) => !expected.includes(name) || !Number.isFinite(wire.params[name]));
  const missing = expected.filter((name) => !given.includes(name));
  if (bad.length || missing.length)
    throw new LensError(
      'bad-request',
      `${spec.label} takes the numbers ${expected.join(', ')}` +
        `${missing.length ? `; missing ${missing.join(', ')}` : ''}${bad.length ? `; not allowed or not a number: ${bad.join(', ')}` : ''}.`,
    );
  spec.validate(wire.params);
  return wire as unknown as MethodChoice;
}

/** A method with its paper's defaults, as the page asks for it. */
export function withDefaults(method: MethodName): ComparedMethod {
  return { method, params: { ...METHODS[method].defaults } };
}
