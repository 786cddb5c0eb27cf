// The real engine on the synthetic Moondream 2 (config.json's phi_config and no vision_config, a SigLIP-like tower
// without CLS at 70 px / 14 px patches = 5 × 5 image tokens, a Phi-1.5-like decoder, no chat template) in Node,
// against independent oracles: transformers.js's own Moondream1ForConditionalGeneration.generate() on the model
// card's "<image>\n\nQuestion: …\n\nAnswer:" prompt (the caption, POPE and MME prompts), the factory's float64
// references of the tower and of the Phi decoder, the outlier patches it planted, and the token ↔ image-region
// mapping worked out by hand for an image that is wider than tall.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { patchRectInImage } from '../../src/core/geometry/patches';
import type { PatchIndex } from '../../src/core/geometry/spaces';
import type { EngineApi } from '../../src/engine/engine';
import { AutoProcessor, loadProcessor, Moondream1ForConditionalGeneration } from '../../src/engine/runtime/hf';
import type { ort } from '../../src/engine/runtime/ort';
import { makeMoondreamModel } from '../../src/factory/moondream/make-model';
import { MOONDREAM_IDS } from '../../src/factory/moondream/vocabulary';
import { referencePhiDecoder, referencePhiEmbed } from '../../src/factory/reference/phi-decoder-forward';
import { referenceSiglipVision } from '../../src/factory/reference/vision-forward';
import { writeModelFolder } from '../../src/factory/write-folder';
import { LensError } from '../../src/protocol/errors';
import type { WorkerEvent } from '../../src/protocol/messages';
import { gridOf, processorPlanFor } from '../../src/state/derive';
import {
  expectAdaptedLoad,
  expectOutliersOnGrid,
  firstFrameOf,
  lastRowImageAttention,
  meanReceivedAttention,
  outliersOf,
  useFamilyEngine,
  visionFeatures,
} from '../support/family-engine';
import {
  CAPTION_PROMPT,
  greedyGenerate,
  nodeEngine,
  nodeLoader,
  runParams,
  runToEnd,
  testRawImage,
  tokensOf,
} from '../support/tiny-llava';

const moondream = useFamilyEngine('tiny-moondream', makeMoondreamModel);

/** The model card's prompt with its one <image> written out once per image feature, as transformers.js 4.3.2 needs. */
const cardPrompt = (prompt: string) => `${'<image>'.repeat(25)}\n\nQuestion: ${prompt}\n\nAnswer:`;

/** transformers.js's processed inputs: the tokenizer on the card's prompt, the image processor on testRawImage(). */
async function oracleInputs(prompt: string, id = moondream.modelId) {
  const processor = await loadProcessor(id);
  const text = processor.tokenizer!(cardPrompt(prompt)) as { input_ids: { dims: number[]; tolist(): bigint[][] } };
  const vision = (await processor.image_processor!(testRawImage())) as { pixel_values: { ort_tensor: unknown } };
  return { ...text, ...vision };
}

/**
 * The engine's first baseline attention frame equals the reference Phi decoder's on transformers.js's own ids and the
 * untapped vision graph's features, and the reference's last-row logits pick the engine's first token.
 */
async function expectFirstFrameOfReference(on: EngineApi, log: WorkerEvent[]): Promise<void> {
  const run = await runToEnd(on, log, runParams({ captions: ['baseline'], maxNewTokens: 1 }));
  const frame = firstFrameOf(run);
  const inputs = await oracleInputs(CAPTION_PROMPT);
  const ids = inputs.input_ids.tolist()[0]!.map(Number);
  const features = await visionFeatures(moondream.model.files, {
    pixel_values: inputs.pixel_values.ort_tensor as ort.Tensor,
  });
  const embeds = referencePhiEmbed(moondream.model.phi, [ids]);
  const start = ids.indexOf(MOONDREAM_IDS.image);
  embeds.set(features.data as Float32Array, start * moondream.model.dims.text.hidden);
  const n = ids.length;
  const { attention, logits } = referencePhiDecoder(moondream.model.phi, {
    embeds,
    batch: 1,
    attentionMask: [ids.map(() => 1)],
    positionIds: [ids.map((_, i) => i)],
  });
  // The frame is the mean over both layers and both heads of the last prompt row's attention to the image keys.
  const expected = lastRowImageAttention(attention, { heads: 2, n, start, tokens: 25 });
  expect(frame.values).toHaveLength(25);
  frame.values.forEach((value, j) => expect(Math.abs(value - expected[j]!)).toBeLessThan(1e-5));
  expect(Math.max(...frame.values) - Math.min(...frame.values)).toBeGreaterThan(1e-4);
  const vocab = moondream.model.dims.text.vocabSize;
  const last = Array.from(logits.subarray((n - 1) * vocab, n * vocab));
  expect(tokensOf(run, 'baseline')[0]).toBe(last.indexOf(Math.max(...last)));
}

describe('engine on the tiny synthetic Moondream 2', () => {
  it('loads as moondream1 from phi_config, the adapted score on the 5 × 5 patch grid, the image stretched to 70 px', () => {
    expectAdaptedLoad(moondream.info, {
      family: 'moondream1',
      tokenGrid: { rows: 5, cols: 5 },
      decoder: { layers: 2, heads: 2, vocabSize: 256, maxPositions: 128 },
      stretchedTo: 70,
      scorer: 'mean-received-attention',
    });
  });

  it('the card prompt tokenizes as <|endoftext|>, 25 × <image> (id −200), then the question', async () => {
    const inputs = await oracleInputs(CAPTION_PROMPT);
    const ids = inputs.input_ids.tolist()[0]!.map(Number);
    expect(ids[0]).toBe(MOONDREAM_IDS.text);
    expect(ids.slice(1, 26)).toEqual(Array(25).fill(-200));
    expect(ids.slice(26).every((id) => id > 0)).toBe(true);
    // AutoProcessor alone has no tokenizer for this layout (SiglipProcessor is not in transformers.js).
    expect((await AutoProcessor.from_pretrained(moondream.modelId)).tokenizer).toBeUndefined();
  });

  it.each([
    ['the caption prompt', CAPTION_PROMPT],
    ['a POPE question', 'Is there a dog in the image? Please answer this question with one word.'],
    ['an MME question', 'Is there a cat in this image? Please answer yes or no.'],
  ])('greedy baseline on %s is token-identical to transformers.js generate()', async (_, prompt) => {
    const run = await moondream.run(runParams({ prompt, captions: ['baseline'] }));
    const reference = await Moondream1ForConditionalGeneration.from_pretrained(moondream.modelId);
    const expected = await greedyGenerate(reference, await oracleInputs(prompt), MOONDREAM_IDS.text);
    expect(expected.length).toBeGreaterThan(2);
    expect(tokensOf(run, 'baseline')).toEqual(expected);
  });

  it('the outliers are the planted patches, one token per patch, with frames on the token grid', async () => {
    const run = await moondream.run(runParams({ damro: { alpha: 1, beta: 0.1, k: 2 } }));
    const outliers = expectOutliersOnGrid(run, { rows: 5, cols: 5 });
    expect(new Set(Array.from(outliers.indices))).toEqual(new Set(moondream.model.outlierPatches));
    expect(tokensOf(run, 'damro').length).toBeGreaterThan(0);
    // Without image padding, α = 0 reproduces the baseline.
    const same = await moondream.run(runParams({ damro: { alpha: 0, beta: 0.1, k: 2 } }));
    expect(tokensOf(same, 'damro')).toEqual(tokensOf(same, 'baseline'));
  });

  it('each token’s score is the reference tower’s mean received attention at its last layer', async () => {
    const run = await moondream.run(runParams({ captions: ['baseline'], maxNewTokens: 1 }));
    const processor = await loadProcessor(moondream.modelId);
    const { pixel_values: pixels } = (await processor.image_processor!(testRawImage())) as {
      pixel_values: { data: Float32Array };
    };
    // Mean over 2 heads × 25 queries of the attention each patch receives.
    const { attention } = referenceSiglipVision(moondream.model.vision, pixels.data).at(-1)!;
    const expected = meanReceivedAttention(attention, 2, 25);
    const { scores } = outliersOf(run);
    expect(scores).toHaveLength(25);
    scores.forEach((score, t) => expect(Math.abs(score - expected[t]!)).toBeLessThan(1e-6));
  });

  it('the first baseline attention frame equals the reference Phi decoder on transformers.js’s own ids', () =>
    expectFirstFrameOfReference(moondream.engine, moondream.events));

  it('on a 48 × 40 image each token covers the 9.6 × 8 px region of its own patch', () => {
    // The processor stretches 48 × 40 to 70 × 70: a 14 px patch is 14·48/70 = 9.6 image px wide and 14·40/70 = 8
    // tall, so token (row 1, col 2) = index 7 starts at (2·9.6, 1·8) = (19.2, 8).
    const plan = processorPlanFor(moondream.info, { width: 48, height: 40 });
    const rect = patchRectInImage(plan, gridOf(moondream.info), 7 as PatchIndex);
    expect(rect.x).toBeCloseTo(19.2, 9);
    expect(rect.y).toBeCloseTo(8, 9);
    expect(rect.width).toBeCloseTo(9.6, 9);
    expect(rect.height).toBeCloseTo(8, 9);
    // The 25 regions tile the whole image: the last token ends at its bottom-right corner.
    const last = patchRectInImage(plan, gridOf(moondream.info), 24 as PatchIndex);
    expect(last.x + last.width).toBeCloseTo(48, 9);
    expect(last.y + last.height).toBeCloseTo(40, 9);
  });

  it.each([
    ['without phi_config', 'config.json', (json: Record<string, unknown>) => delete json.phi_config, /phi_config/],
    [
      'with a 70 × 56 image size',
      'preprocessor_config.json',
      (json: Record<string, unknown>) => (json.size = { height: 56, width: 70 }),
      /preprocessor_config\.json's size .* is not one square of 14 px patches/,
    ],
    [
      'with num_image_tokens other than the grid',
      'config.json',
      (json: Record<string, unknown>) => (json.num_image_tokens = 729),
      /num_image_tokens \(729\) is not the 5 × 5 patches of a 70 px image/,
    ],
  ])('refuses an export %s by name', async (_, file, edit, message) => {
    const id = `bad-moondream-${file}`;
    const files = new Map(moondream.model.files);
    const json = JSON.parse(new TextDecoder().decode(files.get(file))) as Record<string, unknown>;
    edit(json);
    files.set(file, new TextEncoder().encode(JSON.stringify(json)));
    await writeModelFolder(join(moondream.root, id), files);
    const error = await nodeLoader(join(moondream.root, id))(id, 'fp32', () => undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LensError);
    expect(error).toMatchObject({ code: 'unsupported-model', message: expect.stringMatching(message) });
  });
});

// The same weights with each decoder layer's attention fused into one GroupQueryAttention node, as the Hub repo's
// ORT-optimised revision ships it: no position_ids, rotary inside the op on the first 16 of 32 channels.
describe('engine on the tiny synthetic Moondream 2 with a GroupQueryAttention decoder', () => {
  const gqaId = 'tiny-moondream-gqa';
  let gqa: ReturnType<typeof nodeEngine>;

  beforeAll(async () => {
    await writeModelFolder(join(moondream.root, gqaId), makeMoondreamModel({ decoderAttention: 'gqa' }).files);
    gqa = nodeEngine(join(moondream.root, gqaId));
    await gqa.engine['model/load']({ modelId: gqaId, dtype: 'fp32' });
  });

  it('greedy baseline is token-identical to transformers.js generate()', async () => {
    const run = await runToEnd(gqa.engine, gqa.events, runParams({ captions: ['baseline'] }));
    const reference = await Moondream1ForConditionalGeneration.from_pretrained(gqaId);
    const expected = await greedyGenerate(reference, await oracleInputs(CAPTION_PROMPT, gqaId), MOONDREAM_IDS.text);
    expect(expected.length).toBeGreaterThan(2);
    expect(tokensOf(run, 'baseline')).toEqual(expected);
  });

  it('the attention rows recomputed from the op, partial rotary included, equal the reference decoder', () =>
    expectFirstFrameOfReference(gqa.engine, gqa.events));

  it('runs DAMRO batched beside the baseline; α = 0 reproduces it', async () => {
    const run = await runToEnd(gqa.engine, gqa.events, runParams({ damro: { alpha: 0, beta: 0.1, k: 2 } }));
    expect(tokensOf(run, 'damro').length).toBeGreaterThan(0);
    expect(tokensOf(run, 'damro')).toEqual(tokensOf(run, 'baseline'));
  });
});
