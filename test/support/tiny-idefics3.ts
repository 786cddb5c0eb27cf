import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeIdefics3Model, type Idefics3Model } from '../../src/factory/idefics3/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import { AutoProcessor, configureHub, Idefics3ForConditionalGeneration, RawImage } from '../../src/engine/runtime/hf';
import { IDEFICS3_IDS } from '../../src/factory/idefics3/vocabulary';
import { CAPTION_PROMPT, testImage } from './tiny-llava';

/**
 * Writes the seed-42 tiny synthetic Idefics3 (SmolVLM layout) to a temp folder that transformers.js and our loader
 * read.
 */
export async function tinyIdefics3Folder(): Promise<{
  root: string;
  modelId: string;
  dir: string;
  model: Idefics3Model;
}> {
  const root = mkdtempSync(join(tmpdir(), 'damro-idefics3-'));
  const modelId = 'tiny-idefics3';
  const dir = join(root, modelId);
  const model = makeIdefics3Model();
  await writeModelFolder(dir, model.files);
  configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
  return { root, modelId, dir, model };
}

/**
 * The oracle: transformers.js's own Idefics3ForConditionalGeneration greedy generate() on the folder `root/name`,
 * without image splitting (one tile, as the engine runs it), the caption prompt and testImage(); also the prompt's ids.
 */
export async function idefics3GreedyTokens(
  root: string,
  name: string,
  maxNewTokens = 12,
): Promise<{ tokens: number[]; ids: number[] }> {
  configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
  const image = testImage();
  if (image.kind !== 'rgba') throw new Error('unreachable');
  const processor = await AutoProcessor.from_pretrained(name);
  const model = await Idefics3ForConditionalGeneration.from_pretrained(name);
  const prompt = processor.apply_chat_template(
    [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: CAPTION_PROMPT }] }],
    { add_generation_prompt: true },
  );
  const inputs = await processor(
    prompt,
    new RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 4).rgb(),
    { do_image_splitting: false },
  );
  const output = (await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false })) as {
    tolist(): bigint[][];
  };
  await model.dispose();
  const tokens = output
    .tolist()[0]
    .slice(inputs.input_ids.dims[1])
    .map(Number)
    .filter((id) => id !== IDEFICS3_IDS.end);
  return { tokens, ids: (inputs.input_ids.tolist()[0] as bigint[]).map(Number) };
}
