// transformers.js (AutoProcessor + LlavaForConditionalGeneration, no remote models, a local folder) loads the
// synthetic model in Node and generate() agrees with a greedy decode on the float64 reference forward pass.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoProcessor, configureHub, LlavaForConditionalGeneration, RawImage } from '../../../src/engine/runtime/hf';
import { patchCount, SIZES } from '../../../src/factory/llava/dims';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import { SPECIAL_IDS, tokenId } from '../../../src/factory/llava/vocabulary';
import { effectiveWeights } from '../../../src/factory/quant/dequantized-weights';
import { referenceVision } from '../../../src/factory/reference/vision-forward';
import { writeModelFolder } from '../../../src/factory/write-folder';
import { mergedEmbeds, referenceGreedy } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'synthetic-llava-'));
const models = {
  fp32: makeLlavaModel({ size: 'tiny', dtype: 'fp32' }),
  q4: makeLlavaModel({ size: 'tiny', dtype: 'q4' }),
};
const MAX_NEW = 12;
// Greedy output of the seed-42 tiny model for the caption prompt and the test image below.
const GOLDEN_FP32 = [35, 158, 86, 138, 164, 164, 164, 14, 23, 119, 59, 164];

const messages = [
  { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Generate a short caption of this image.' }] },
];
// 48×40 so the processor really resizes (shortest edge) and centre-crops.
const image = new RawImage(
  new Uint8ClampedArray(48 * 40 * 3).map((_, i) => (i * 37) % 256),
  48,
  40,
  3,
);

beforeAll(async () => {
  await writeModelFolder(join(root, 'tiny-fp32'), models.fp32.files);
  await writeModelFolder(join(root, 'tiny-q4'), models.q4.files);
  configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.each(['fp32', 'q4'] as const)('transformers.js, tiny %s', (dtype) => {
  it('loads the folder and generate() returns the reference greedy tokens', async () => {
    const processor = await AutoProcessor.from_pretrained(`tiny-${dtype}`);
    const model = await LlavaForConditionalGeneration.from_pretrained(`tiny-${dtype}`);
    const prompt = processor.apply_chat_template(messages, { add_generation_prompt: true });
    expect(prompt).toBe('USER: <image>\nGenerate a short caption of this image. ASSISTANT:');

    const inputs = await processor(image, prompt);
    const ids = (inputs.input_ids.tolist() as bigint[][])[0]!.map(Number);
    const size = SIZES.tiny.vision.imageSize;
    expect(inputs.pixel_values.dims).toEqual([1, 3, size, size]);
    expect(ids.slice(0, 3)).toEqual([SPECIAL_IDS.bos, tokenId('user'), tokenId(':')]);
    expect(ids.filter((id) => id === SPECIAL_IDS.image)).toHaveLength(patchCount(SIZES.tiny.vision));
    expect(ids.slice(-3)).toEqual([tokenId('.'), tokenId('assistant'), tokenId(':')]);

    const output = await model.generate({ ...inputs, max_new_tokens: MAX_NEW, do_sample: false });
    const generated = (output as { tolist(): bigint[][] }).tolist()[0]!.slice(ids.length).map(Number);

    const w = effectiveWeights(models[dtype].weights, dtype);
    const vision = referenceVision(w, inputs.pixel_values.data as Float32Array);
    expect(generated).toEqual(referenceGreedy(w, mergedEmbeds(w, ids, vision.imageFeatures), MAX_NEW));
    if (dtype === 'fp32') expect(generated).toEqual(GOLDEN_FP32);
    await model.dispose();
  });
});

describe('the image matters to the decoder', () => {
  it('dropping the image tokens changes the greedy output', async () => {
    const processor = await AutoProcessor.from_pretrained('tiny-fp32');
    const inputs = await processor(image, processor.apply_chat_template(messages, { add_generation_prompt: true }));
    const ids = (inputs.input_ids.tolist() as bigint[][])[0]!.map(Number);
    const w = models.fp32.weights;
    const withImage = referenceGreedy(
      w,
      mergedEmbeds(w, ids, referenceVision(w, inputs.pixel_values.data as Float32Array).imageFeatures),
      MAX_NEW,
    );
    const withoutImage = referenceGreedy(
      w,
      mergedEmbeds(
        w,
        ids.filter((id) => id !== SPECIAL_IDS.image),
        null,
      ),
      MAX_NEW,
    );
    expect(withoutImage).not.toEqual(withImage);
  });
});
