import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeIdefics3Model, type Idefics3Model } from '../../src/factory/idefics3/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import { configureHub } from '../../src/engine/runtime/hf';

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
