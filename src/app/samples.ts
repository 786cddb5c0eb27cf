// Fetches the list of sample photos the site serves (public/samples/samples.json) after first paint. Without
// it the gallery stays empty and a person drops a photo of their own, so a failure is only logged.
import { parseSampleList, SAMPLE_LIST_FILE, SAMPLES_FOLDER } from '../core/samples/sample-list';
import { samplesArrived } from '../state/view-actions';

export async function loadSamples(siteRoot: URL): Promise<void> {
  try {
    const response = await fetch(new URL(`${SAMPLES_FOLDER}/${SAMPLE_LIST_FILE}`, siteRoot));
    if (!response.ok) throw new Error(`${SAMPLES_FOLDER}/${SAMPLE_LIST_FILE} answered ${response.status}`);
    const samples = parseSampleList(await response.json());
    samplesArrived(
      samples.map((sample) => ({ ...sample, url: new URL(`${SAMPLES_FOLDER}/${sample.file}`, siteRoot).href })),
    );
  } catch (error) {
    console.warn(`No sample photos: ${error instanceof Error ? error.message : String(error)}`);
  }
}
