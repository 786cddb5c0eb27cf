// One click on a sample photo: fetch it, open it with its hand-written objects as ground truth, and load the
// chosen model if none is loaded (loading with a picture in place starts the run, so either way it runs).
import { LensError } from '../protocol/errors';
import { store, type GallerySample } from '../state/store';
import { imageFailed } from '../state/view-actions';
import type { LensController } from './lens-controller';

export async function openSample(lens: LensController, sample: GallerySample): Promise<void> {
  let photo: Blob;
  try {
    const response = await fetch(sample.url);
    if (!response.ok) throw new Error(`the site answered ${response.status}`);
    photo = await response.blob();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    imageFailed(
      new LensError(
        'bad-image',
        `The sample photo ${sample.file} could not be fetched (${why}). Reload the page, or drop a photo of your own.`,
      ).toWire(),
    );
    return;
  }
  await lens.openImage(photo, sample.file, sample.objects);
  const { model } = store.getState();
  if (model.phase === 'idle' || model.phase === 'failed') await lens.loadModel();
}
