import { describe, expect, it } from 'vitest';
import { decode, type DecodeEvent, type DecodePlan } from '../../src/engine/decode/loop';
import type { RowSpec } from '../../src/engine/decode/runner';
import { FakeRunner, taggedRow, type LogitsFn } from '../support/fake-runner';

const FULL = 1;
const OUTLIER = 2;
const EOS = 9;

function plan(overrides: Partial<DecodePlan> = {}): DecodePlan {
  return {
    captions: ['baseline', 'damro'],
    fullRow: taggedRow(FULL, 6, { start: 1, length: 4 }),
    outlierRow: taggedRow(OUTLIER, 3),
    damro: { alpha: 0.5, beta: 0.1, k: 2 },
    decoding: { mode: 'greedy' },
    maxNewTokens: 8,
    eosTokenIds: [EOS],
    inspectTop: 3,
    ...overrides,
  };
}

async function collect(runner: FakeRunner, p: DecodePlan, signal = new AbortController().signal) {
  const events: DecodeEvent[] = [];
  const generator = decode(runner, p, signal);
  for (;;) {
    const next = await generator.next();
    if (next.done) return { events, reason: next.value };
    events.push(next.value);
  }
}

const tokensOf = (events: DecodeEvent[], caption: string) =>
  events.flatMap((e) => (e.type === 'token' && e.caption === caption ? [e.tokenId] : []));
const tag = (row: RowSpec) => row.embeds[0];

// The spec's worked example (src/core/damro-spec.md §1.3) on the first step, then EOS.
const workedExample: LogitsFn = (row, fed) => {
  if (fed.length > 0) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 10];
  return tag(row) === FULL
    ? [3.0, 2.5, 0.0, -1.0, -9, -9, -9, -9, -9, -9]
    : [3.5, 1.0, 0.5, -2.0, -9, -9, -9, -9, -9, -9];
};

describe('decode loop', () => {
  it('lays out [baseline-full, damro-full, damro-outlier] rows and prefills them together', async () => {
    const runner = new FakeRunner(workedExample);
    await collect(runner, plan());
    expect(runner.calls[0]).toEqual({ kind: 'prefill', rows: 3 });
  });

  it('reproduces the spec’s worked example: DAMRO moves the preferred token from 0 to 1', async () => {
    const runner = new FakeRunner(workedExample);
    const { events } = await collect(runner, plan());
    expect(tokensOf(events, 'baseline')).toEqual([0]);
    expect(tokensOf(events, 'damro')).toEqual([1]);
    const step = events.find((e) => e.type === 'step' && e.step === 0);
    expect(step).toMatchObject({ kept: 2, changed: true });
    if (step?.type !== 'step') throw new Error('no step event');
    expect(step.cutoff).toBeCloseTo(3.0 + Math.log(0.1), 6);
    expect(step.combined.map((c) => c.id)).toEqual([1, 0]);
    expect(step.combined[0].probability).toBeCloseTo(0.6225, 4);
    expect(step.full.map((c) => c.id)).toEqual([0, 1, 2]);
    expect(step.outlier.map((c) => c.id)).toEqual([0, 1, 2]);
    // Each caption's rows are fed that caption's token.
    expect(runner.calls[1]).toEqual({ kind: 'step', tokens: [0, 1, 1] });
  });

  // A history-dependent toy model where the outlier row pushes towards a token DAMRO should then avoid.
  const chatty: LogitsFn = (row, fed) => {
    const logits = new Float32Array(10).fill(-5);
    if (fed.length >= 4) {
      logits[EOS] = 5;
      return logits;
    }
    const favourite = (fed.length * 3 + (fed.at(-1) ?? 0)) % 8;
    logits[favourite] = 2;
    logits[(favourite + 1) % 8] = 1.6;
    if (tag(row) === OUTLIER) logits[favourite] += 1.5;
    return logits;
  };

  it('with α = 0 the DAMRO caption equals the baseline', async () => {
    const { events } = await collect(new FakeRunner(chatty), plan({ damro: { alpha: 0, beta: 0.1, k: 2 } }));
    expect(tokensOf(events, 'damro')).toEqual(tokensOf(events, 'baseline'));
    expect(tokensOf(events, 'baseline')).toHaveLength(4);
  });

  it('with α > 0 contrasting the outlier row changes the caption', async () => {
    const { events } = await collect(new FakeRunner(chatty), plan({ damro: { alpha: 1, beta: 0.1, k: 2 } }));
    expect(tokensOf(events, 'damro')).not.toEqual(tokensOf(events, 'baseline'));
  });

  it('stops a caption at EOS, feeds its rows nothing after, and keeps the other going', async () => {
    // The baseline ends at once; DAMRO (which avoids EOS because the outlier row loves it) runs to max tokens.
    const logits: LogitsFn = (row) =>
      tag(row) === OUTLIER ? [0, 0, 0, 0, 0, 0, 0, 0, 0, 6] : [0, 0, 0, 0, 0, 0, 0, 0, 4.8, 5];
    const runner = new FakeRunner(logits);
    const { events, reason } = await collect(runner, plan({ maxNewTokens: 3, damro: { alpha: 1, beta: 0.1, k: 2 } }));
    expect(tokensOf(events, 'baseline')).toEqual([]);
    expect(tokensOf(events, 'damro')).toEqual([8, 8, 8]);
    expect(events.filter((e) => e.type === 'done')).toEqual([
      { type: 'done', caption: 'baseline', reason: 'eos', tokens: 0 },
      { type: 'done', caption: 'damro', reason: 'max-tokens', tokens: 3 },
    ]);
    expect(runner.calls.slice(1)).toEqual([
      { kind: 'step', tokens: [null, 8, 8] },
      { kind: 'step', tokens: [null, 8, 8] },
    ]);
    expect(reason).toBe('max-tokens');
  });

  it('streams the full row’s attention with each token of each caption', async () => {
    const { events } = await collect(new FakeRunner(chatty, 6), plan({ maxNewTokens: 2 }));
    const frames = events.filter((e) => e.type === 'attention');
    expect(frames.map((e) => [e.caption, e.step, e.data[0]])).toEqual([
      ['baseline', 0, 0],
      ['damro', 0, 1000],
      ['baseline', 1, 1],
      ['damro', 1, 1001],
    ]);
  });

  it('a compared method’s rows follow the captions’, get its tokens, and it ends with its own events', async () => {
    // The VCD lane's contrast row (tag 3) backs token 0 as the outlier row does: (1+1)·l − 1·c picks token 1.
    const CONTRAST = 3;
    const logits: LogitsFn = (row, fed) =>
      fed.length > 0
        ? [0, 0, 0, 0, 0, 0, 0, 0, 0, 10]
        : tag(row) === CONTRAST
          ? [3.5, 1.0, 0.5, -2.0, -9, -9, -9, -9, -9, -9]
          : [3.0, 2.5, 0.0, -1.0, -9, -9, -9, -9, -9, -9];
    const runner = new FakeRunner(logits, 6);
    const p = plan({ captions: ['baseline'] });
    const lane = {
      choice: { method: 'vcd', params: { alpha: 1, beta: 0.1, noiseStep: 500, noiseSeed: 42 } },
      mainRow: p.fullRow,
      contrastRow: taggedRow(CONTRAST, 6),
    } as const;
    const { events } = await collect(runner, { ...p, methods: [lane] });
    expect(runner.calls[0]).toEqual({ kind: 'prefill', rows: 3 });
    // Step 0: baseline 3.0 > 2.5 picks 0; VCD scores [2.5, 4.0, ·, ·] pick 1, fed to both of its rows.
    expect(runner.calls[1]).toEqual({ kind: 'step', tokens: [0, 1, 1] });
    expect(events.filter((e) => e.type === 'method-token')).toEqual([
      { type: 'method-token', method: 'vcd', step: 0, tokenId: 1 },
    ]);
    expect(events.at(-1)).toEqual({ type: 'method-done', method: 'vcd', reason: 'eos', tokens: 1 });
    // Its step inspector: main branch, contrast branch, combination (softmax of [2.5, 4.0] gives 0.8176 to token 1).
    const step = events.find((e) => e.type === 'method-step' && e.step === 0);
    if (step?.type !== 'method-step') throw new Error('no method step');
    expect(step).toMatchObject({ method: 'vcd', kept: 2, changed: true });
    expect([step.full, step.outlier, step.combined].map((list) => list.map((c) => c.id))).toEqual([
      [0, 1, 2],
      [0, 1, 2],
      [1, 0],
    ]);
    expect(step.combined[0].probability).toBeCloseTo(0.8176, 4);
    // Only captions stream attention (the lane's main row is the full row, which records it).
    expect(events.flatMap((e) => (e.type === 'attention' ? [[e.caption, e.step]] : []))).toEqual([['baseline', 0]]);
  });

  it('a baseline-only run uses one row', async () => {
    const runner = new FakeRunner(chatty);
    const { events } = await collect(runner, plan({ captions: ['baseline'] }));
    expect(runner.calls[0]).toEqual({ kind: 'prefill', rows: 1 });
    expect(events.some((e) => e.type === 'step')).toBe(false);
  });

  it('stops within one step of a cancel', async () => {
    const controller = new AbortController();
    const runner = new FakeRunner(chatty);
    const events: DecodeEvent[] = [];
    const generator = decode(runner, plan(), controller.signal);
    for (;;) {
      const next = await generator.next();
      if (next.done) {
        expect(next.value).toBe('cancelled');
        break;
      }
      events.push(next.value);
      if (next.value.type === 'token') controller.abort();
    }
    // The abort lands before the next decoder call: no step is computed for nothing.
    expect(runner.calls.filter((c) => c.kind === 'step')).toHaveLength(0);
    expect(events.filter((e) => e.type === 'done').map((e) => e.type === 'done' && e.reason)).toEqual([
      'cancelled',
      'cancelled',
    ]);
  });

  it('samples reproducibly from a seed, differently across seeds, and never picks a token DAMRO masked', async () => {
    const flat: LogitsFn = (row, fed) =>
      fed.length >= 6 ? [0, 0, 0, 0, 0, 0, 0, 0, 0, 9] : [1, 1, 1, 1, 1, 1, 1, 1, -20, -20];
    const run = async (seed: number) =>
      tokensOf(
        (await collect(new FakeRunner(flat), plan({ decoding: { mode: 'sample', seed, temperature: 1, topP: 1 } })))
          .events,
        'damro',
      );
    const a = await run(42);
    expect(await run(42)).toEqual(a);
    expect(await run(7)).not.toEqual(a);
    expect(a.every((t) => t < 8)).toBe(true);
  });

  it('emits no step diagnostics when nobody inspects them, and decodes the same tokens', async () => {
    const inspected = await collect(new FakeRunner(chatty), plan({ damro: { alpha: 1, beta: 0.1, k: 2 } }));
    const silent = await collect(new FakeRunner(chatty), plan({ damro: { alpha: 1, beta: 0.1, k: 2 }, inspectTop: 0 }));
    expect(silent.events.some((e) => e.type === 'step')).toBe(false);
    expect(inspected.events.some((e) => e.type === 'step')).toBe(true);
    expect(tokensOf(silent.events, 'damro')).toEqual(tokensOf(inspected.events, 'damro'));
  });

  it('stops a caption at the model’s last position, never feeding a token past it', async () => {
    // A model that never says EOS: token 0 always wins. The full row holds positions 0…5; with 10 positions the
    // tokens fed go to 6…9 (four of them), and the fifth token, chosen from position 9's logits, is the last.
    const runner = new FakeRunner(() => [5, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const { events, reason } = await collect(runner, plan({ maxNewTokens: 300, maxPositions: 10 }));
    expect(reason).toBe('position-limit');
    expect(tokensOf(events, 'baseline')).toEqual([0, 0, 0, 0, 0]);
    expect(events.filter((e) => e.type === 'done')).toEqual([
      { type: 'done', caption: 'baseline', reason: 'position-limit', tokens: 5 },
      { type: 'done', caption: 'damro', reason: 'position-limit', tokens: 5 },
    ]);
    const fed = runner.calls.filter((c) => c.kind === 'step');
    expect(fed).toHaveLength(4);
  });

  it('refuses a prompt that alone needs more positions than the model has, naming the limit', async () => {
    const runner = new FakeRunner(workedExample);
    await expect(collect(runner, plan({ maxPositions: 5 }))).rejects.toThrow(
      'The prompt and the image take 6 positions, more than the 5 this model has (max_position_embeddings in its config.json). Shorten the prompt.',
    );
  });

  it('refuses with typed errors: the position limit is a bad request, a DAMRO caption without its outlier row a bug', async () => {
    const runner = new FakeRunner(workedExample);
    await expect(collect(runner, plan({ maxPositions: 5 }))).rejects.toMatchObject({ code: 'bad-request' });
    await expect(collect(runner, plan({ outlierRow: undefined }))).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringMatching(/without the outlier row/),
    });
    expect(runner.calls).toHaveLength(0);
  });
});
