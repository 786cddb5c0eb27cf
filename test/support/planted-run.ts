import { expect } from 'vitest';
import { DEFAULT_DATA_DIR, loadItems } from '../../src/cli/data';
import { openShardFolder } from '../../src/cli/shard-folder';
import { driveEval } from '../../src/core/eval/driver';
import type { EvalRunConfig } from '../../src/core/eval/run-config';
import { answerImage } from '../../src/engine/eval/answer-image';
import { readPlantedImage, type PlantedModel } from './planted-model';

/**
 * Answers `config`'s items (its shard's where it has one) with `model` into the shard folder `dir`, evidence recorded,
 * through the real eval path (driver → answerImage → the CLI's shard folder), and expects the run to complete.
 */
export async function answerPlantedRun(dir: string, config: EvalRunConfig, model: PlantedModel): Promise<void> {
  const items = (await loadItems(config, DEFAULT_DATA_DIR)).mine;
  const folder = await openShardFolder(dir, config, items);
  const outcome = await driveEval(
    {
      items,
      answered: new Set(),
      imagePaths: new Map(items.map((i) => [`/${i.image}`, i.image])),
      settings: config.settings,
      jobId: 1,
      evidence: true,
    },
    {
      engine: {
        answerImage: (params) =>
          answerImage({
            model,
            params,
            signal: new AbortController().signal,
            encode: () => model.encodeImage(params.image),
          }),
        cancel: async () => ({ cancelled: false }),
      },
      readImage: readPlantedImage,
      save: (answers) => folder.append(answers),
      now: () => 0,
    },
    { shouldPause: () => false, isCancelled: () => false },
  );
  expect(outcome).toBe('complete');
}
