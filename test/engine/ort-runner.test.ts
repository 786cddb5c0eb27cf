// One batched decoder call for [baseline, DAMRO-full, DAMRO-outlier] must equal three unbatched runs: left
// padding, the 2-D mask and position ids have to be right for rows of different lengths. The baseline and
// DAMRO-full rows are one prompt: it is prefilled once and its cache copied, which must change nothing.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ort } from '../../src/engine/runtime/ort';
import { topK } from '../../src/core/tensor/topk';
import type { DecoderRunner, RowSpec, StepOutput } from '../../src/engine/decode/runner';
import type { LoadedModel } from '../../src/engine/model';
import { nodeLoader, runParams, tinyLlavaFolder } from '../support/tiny-llava';

let folder: Awaited<ReturnType<typeof tinyLlavaFolder>>;
let model: LoadedModel;
let rows: RowSpec[];

beforeAll(async () => {
  folder = await tinyLlavaFolder();
  model = await nodeLoader(folder.dir)(folder.modelId, 'fp32', () => {});
  const image = await model.encodeImage(runParams().image);
  const built = await model.buildRows('Describe the image.', image, Int32Array.from(topK(image.scores, 3)));
  // The outlier row, left-padded in the batch, also records its attention, so padding offsets are checked.
  rows = [built.full, built.full, { ...built.outlier!, imageSpan: { start: built.full.imageSpan!.start, length: 3 } }];
});
afterAll(async () => {
  await model.dispose();
  rmSync(folder.root, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

async function drive(runner: DecoderRunner, prefillRows: RowSpec[], steps: (number | null)[][]): Promise<StepOutput[]> {
  const outputs = [await runner.prefill(prefillRows)];
  for (const tokens of steps) outputs.push(await runner.step(tokens));
  await runner.dispose();
  return outputs;
}

describe('batched ORT decoder runner', () => {
  it('gives every row the logits, image and text attention it gets alone (1e-4)', async () => {
    expect(rows[2].length).toBeLessThan(rows[0].length);
    const tokens = [
      [20, 21, 21],
      [30, 40, 40],
      [25, 25, 26],
    ];
    const batched = await drive(model.createRunner(), rows, tokens);
    for (let r = 0; r < rows.length; r++) {
      const alone = await drive(
        model.createRunner(),
        [rows[r]],
        tokens.map((step) => [step[r]]),
      );
      alone.forEach((output, step) => {
        expect(maxDiff(batched[step].logits[r], output.logits[0]), `row ${r} step ${step} logits`).toBeLessThan(1e-4);
        const [a, b] = [batched[step].attention[r], output.attention[0]];
        expect(Boolean(a)).toBe(Boolean(rows[r].imageSpan));
        if (a && b) expect(maxDiff(a, b), `row ${r} step ${step} attention`).toBeLessThan(1e-5);
        // The text keys sit after each row's left padding: batched, they must still be the row's own.
        const [ta, tb] = [batched[step].text?.[r], output.text?.[0]];
        expect(Boolean(ta)).toBe(Boolean(rows[r].imageSpan));
        if (ta && tb) expect(maxDiff(ta, tb), `row ${r} step ${step} text attention`).toBeLessThan(1e-5);
      });
    }
  });

  it('prefills each distinct prompt once and unpadded, assembles the 3-row cache on the device, and matches the unshared run (1e-4)', async () => {
    const session = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;
    const run = vi.spyOn(session, 'run');
    const tokens = [
      [20, 20, 21],
      [30, 31, 40],
      [25, 26, 26],
    ];
    const feedsOf = (call: unknown[]) => call[0] as Record<string, ort.Tensor>;
    const decoderCalls = () => run.mock.calls.filter((call) => 'past_key_values.0.key' in feedsOf(call)).map(feedsOf);
    const assemblyCalls = () => run.mock.calls.filter((call) => 'rows' in feedsOf(call)).map(feedsOf);
    const ints = (tensor: ort.Tensor | undefined) => Array.from(tensor!.data as BigInt64Array, Number);
    const [full, outlier] = [rows[0].length, rows[2].length];

    const shared = await drive(model.createRunner(), rows, tokens);
    // The prefill ran the full prompt once and the outlier prompt at its own length, one row each.
    const hidden = rows[0].embeds.length / full;
    expect(decoderCalls().map((feeds) => feeds.inputs_embeds!.dims)).toEqual([
      [1, full, hidden],
      [1, outlier, hidden],
      [3, 1, hidden],
      [3, 1, hidden],
      [3, 1, hidden],
    ]);
    expect(assemblyCalls()).toHaveLength(1);
    const [assembly] = assemblyCalls();
    expect(ints(assembly!.rows)).toEqual([0, 0, 1]);
    expect(ints(assembly!['keys.0'])).toEqual(Array.from({ length: full }, (_, k) => k));
    // The outlier prompt sits behind full − outlier padded slots, which repeat its key 0.
    expect(ints(assembly!['keys.1'])).toEqual([
      ...new Array<number>(full - outlier).fill(0),
      ...Array.from({ length: outlier }, (_, k) => k),
    ]);
    run.mockClear();

    // Equal but distinct row objects are not shared: three prompts prefilled, rows [0, 1, 2].
    const unshared = await drive(model.createRunner(), [rows[0], { ...rows[1] }, rows[2]], tokens);
    expect(
      decoderCalls()
        .slice(0, 3)
        .map((feeds) => feeds.inputs_embeds!.dims[1]),
    ).toEqual([full, full, outlier]);
    expect(ints(assemblyCalls()[0]!.rows)).toEqual([0, 1, 2]);
    shared.forEach((output, step) => {
      for (let r = 0; r < rows.length; r++) {
        expect(maxDiff(output.logits[r], unshared[step].logits[r]), `row ${r} step ${step} logits`).toBeLessThan(1e-4);
        const [a, b] = [output.attention[r], unshared[step].attention[r]];
        if (a && b) expect(maxDiff(a, b), `row ${r} step ${step} attention`).toBeLessThan(1e-5);
      }
    });
    // The copied rows are independent caches: fed the same token they agree, fed different tokens they part.
    expect(maxDiff(shared[1].logits[0], shared[1].logits[1])).toBe(0);
    expect(maxDiff(shared[2].logits[0], shared[2].logits[1])).toBeGreaterThan(1e-3);
  });

  it('keeps the left-padded row exact over more steps than the attention-mask buffer grows by (1e-4)', async () => {
    // 70 steps > the 64 positions the mask buffer grows by, so it is reallocated mid-run.
    const tokens = Array.from({ length: 70 }, (_, s) => 5 + ((s * 37) % 90));
    const batched = await drive(
      model.createRunner(),
      rows,
      tokens.map((t) => [t, t, t]),
    );
    const alone = await drive(
      model.createRunner(),
      [rows[2]],
      tokens.map((t) => [t]),
    );
    for (const step of [1, 63, 64, 65, 70])
      expect(maxDiff(batched[step].logits[2], alone[step].logits[0]), `step ${step}`).toBeLessThan(1e-4);
  });

  it('keeps a finished row’s neighbours exact when it is fed nothing', async () => {
    const reference = await drive(model.createRunner(), [rows[2]], [[20], [30]]);
    const mixed = await drive(
      model.createRunner(),
      [rows[0], rows[2]],
      [
        [null, 20],
        [null, 30],
      ],
    );
    expect(maxDiff(mixed[2].logits[1], reference[2].logits[0])).toBeLessThan(1e-4);
  });
});
