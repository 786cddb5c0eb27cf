import { LensError } from '../protocol/errors';

/** A render option with a value the factory cannot use; the message names the option and what it accepts. */
export function invalidOption(option: string, value: unknown, accepted: string): LensError {
  return new LensError('bad-request', `Invalid ${option} ${JSON.stringify(value)}: expected ${accepted}.`, {
    option,
    value: String(value),
  });
}
