import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DetectorLoader } from '../../src/engine/detect/detect';
import { configureHub, loadObjectDetection } from '../../src/engine/runtime/hf';
import { makeDetectorModel, prototypeBytes } from '../../src/factory';
import { writeModelFolder } from '../../src/factory/write-folder';

export const DETECTOR_ID = 'synthetic-detr-tiny';

/** Writes the synthetic detector to a temp folder; the loader reads it through transformers.js (CPU in Node). */
export async function syntheticDetectorFolder(): Promise<{ root: string; load: DetectorLoader }> {
  const root = mkdtempSync(join(tmpdir(), 'damro-detector-'));
  await writeModelFolder(join(root, DETECTOR_ID), makeDetectorModel());
  const load: DetectorLoader = async (modelId) => {
    configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
    return loadObjectDetection(modelId, undefined);
  };
  return { root, load };
}

/** An RGB image of four flat quadrants (top-left, top-right, bottom-left, bottom-right colours). */
export function quadrantImage(
  width: number,
  height: number,
  colours: readonly (readonly [number, number, number])[],
): Uint8ClampedArray {
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      data.set(colours[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)], (y * width + x) * 3);
  }
  return data;
}

export { prototypeBytes };
