import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { AutoProcessor, configureHub, Qwen2VLForConditionalGeneration } from '../../src/engine/runtime/hf';
import { makeQwen2VLModel } from '../../src/factory/qwen2vl/make-model';
import { QWEN2VL_IDS } from '../../src/factory/qwen2vl/vocabulary';
import { writeModelFolder } from '../../src/factory/write-folder';
import { captionChat, greedyGenerate, testRawImage } from '../support/tiny-llava';

it('scratch', async () => {
  const root = mkdtempSync(join(tmpdir(), 'q2-'));
  const model = makeQwen2VLModel();
  await writeModelFolder(join(root, 'm'), model.files);
  configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
  const processor = await AutoProcessor.from_pretrained('m');
  const text = captionChat(processor);
  console.log(text);
  const inputs = await processor(text, testRawImage());
  console.log(inputs.input_ids.tolist()[0].map(Number).join(' '), inputs.image_grid_thw.tolist(), inputs.pixel_values.dims);
  const ref = await Qwen2VLForConditionalGeneration.from_pretrained('m');
  console.log(await greedyGenerate(ref, inputs, [QWEN2VL_IDS.end, QWEN2VL_IDS.endOfText]));
}, 60000);
