import { AutoProcessor, configureHub, Idefics3ForConditionalGeneration } from '../../src/engine/runtime/hf';
import { IDEFICS3_IDS } from '../../src/factory/idefics3/vocabulary';
import { captionChat, greedyGenerate, testRawImage } from './tiny-llava';

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
  const processor = await AutoProcessor.from_pretrained(name);
  const model = await Idefics3ForConditionalGeneration.from_pretrained(name);
  const inputs = await processor(captionChat(processor), testRawImage(), { do_image_splitting: false });
  const ids = (inputs.input_ids.tolist()[0] as bigint[]).map(Number);
  return { tokens: await greedyGenerate(model, inputs, IDEFICS3_IDS.end, maxNewTokens), ids };
}
