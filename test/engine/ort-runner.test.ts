// One batched decoder call for [baseline, DAMRO-full, DAMRO-outlier] must equal three unbatched runs: left
// padding, the 2-D mask and position ids have to be right for rows of different lengths.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  rows = [built.full, built.full, built.outlier!];
});
afterAll(async () => {
  await model.dispose();
  rmSync(folder.root, { recursive: true, force: true });
});

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

async function drive(runner: DecoderRunner, prefillRows: RowSpec[], steps: (number | null)[][]): Promise<StepOutput[]> {
  const outputs = [await runner.prefill(prefillRows)];
  for (const tokens of steps) outputs.push(await runner.step(tokens));
  await runner.dispose();
  return outputs;
}

describe('batched ORT decoder runner', () => {
  it('gives every row the logits and image attention it gets alone (1e-4)', async () => {
    expect(rows[2].length).toBeLessThan(rows[0].length);
    const tokens = [
      [20, 21, 21],
      [30, 40, 40],
      [25, 25, 26],
    ];
    const batched = await drive(model.createRunner(), rows, tokens);
    for (let r = 0; r < rows.length; r++) {
      const alone = await drive(model.createRunner(), [rows[r]], tokens.map((step) => [step[r]]));
      alone.forEach((output, step) => {
        expect(maxDiff(batched[step].logits[r], output.logits[0]), `row ${r} step ${step} logits`).toBeLessThan(1e-4);
        const [a, b] = [batched[step].attention[r], output.attention[0]];
        expect(Boolean(a)).toBe(Boolean(rows[r].imageSpan));
        if (a && b) expect(maxDiff(a, b), `row ${r} step ${step} attention`).toBeLessThan(1e-5);
      });
    }
  });

  it('keeps a finished row’s neighbours exact when it is fed nothing', async () => {
    const reference = await drive(model.createRunner(), [rows[2]], [[20], [30]]);
    const mixed = await drive(model.createRunner(), [rows[0], rows[2]], [
      [null, 20],
      [null, 30],
    ]);
    expect(maxDiff(mixed[2].logits[1], reference[2].logits[0])).toBeLessThan(1e-4);
  });
});
