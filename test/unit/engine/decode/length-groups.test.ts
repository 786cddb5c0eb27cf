// LengthGroupedRunner: rows of one prompt length share one runner, each runner sees only its rows, and the outputs
// come back in the caller's row order; a group whose rows have all finished is not run again.
import { describe, expect, it } from 'vitest';
import { LengthGroupedRunner } from '../../../../src/engine/decode/length-groups';
import type { DecoderRunner, RowSpec, StepOutput } from '../../../../src/engine/decode/runner';

const row = (length: number): RowSpec => ({ embeds: new Float32Array(length), length });

/** A runner whose logits for row i of its batch are [its id, i, calls so far], recording what it was fed. */
function fakeRunners() {
  const calls: { runner: number; kind: 'prefill' | 'step'; fed: (number | null)[] }[] = [];
  let made = 0;
  const open = (): DecoderRunner => {
    const id = made++;
    let count = 0;
    const output = (rows: number): StepOutput => {
      count++;
      return {
        logits: Array.from({ length: rows }, (_, i) => Float32Array.of(id, i, count)),
        attention: Array.from({ length: rows }, () => undefined),
      };
    };
    return {
      async prefill(rows) {
        calls.push({ runner: id, kind: 'prefill', fed: rows.map((r) => r.length) });
        return output(rows.length);
      },
      async step(tokens) {
        calls.push({ runner: id, kind: 'step', fed: [...tokens] });
        return output(tokens.length);
      },
      async dispose() {},
    };
  };
  return { calls, open };
}

describe('LengthGroupedRunner', () => {
  it('runs the baseline and full rows (one prompt) as one batch and the shorter outlier row apart', async () => {
    const { calls, open } = fakeRunners();
    const runner = new LengthGroupedRunner(open);
    const full = row(19);
    const prefill = await runner.prefill([full, full, row(5)]);
    expect(calls).toEqual([
      { runner: 0, kind: 'prefill', fed: [19, 19] },
      { runner: 1, kind: 'prefill', fed: [5] },
    ]);
    // [runner, row within its batch, call count]
    expect(prefill.logits.map((l) => Array.from(l))).toEqual([
      [0, 0, 1],
      [0, 1, 1],
      [1, 0, 1],
    ]);
    const step = await runner.step([7, 8, 9]);
    expect(calls.slice(2)).toEqual([
      { runner: 0, kind: 'step', fed: [7, 8] },
      { runner: 1, kind: 'step', fed: [9] },
    ]);
    expect(step.logits.map((l) => Array.from(l))).toEqual([
      [0, 0, 2],
      [0, 1, 2],
      [1, 0, 2],
    ]);
  });

  it('keeps rows in the caller’s order when groups interleave, and stops running a finished group', async () => {
    const { calls, open } = fakeRunners();
    const runner = new LengthGroupedRunner(open);
    await runner.prefill([row(4), row(9), row(4)]);
    const step = await runner.step([null, 3, null]);
    // Group [0, 2] has finished: only group [1] runs; rows 0 and 2 keep their prefill outputs (never read).
    expect(calls.slice(2)).toEqual([{ runner: 1, kind: 'step', fed: [3] }]);
    expect(step.logits.map((l) => Array.from(l))).toEqual([
      [0, 0, 1],
      [1, 0, 2],
      [0, 1, 1],
    ]);
  });
});
