// The sample photos the site ships (public/samples/, with PROVENANCE.md): each with the COCO objects a person
// wrote down for it, so a first run has real pictures and working labels without a file of one's own.
import { COCO_OBJECTS } from '../caption-objects/coco-objects';
import { LensError } from '../../protocol/errors';

export const SAMPLES_FOLDER = 'samples';
export const SAMPLE_LIST_FILE = 'samples.json';

export interface Sample {
  /** File name under the samples folder. */
  readonly file: string;
  readonly title: string;
  /** CHAIR's COCO words for every object visible in the photo: the ground truth its captions are labelled against. */
  readonly objects: readonly string[];
  readonly licence: string;
  readonly credit: string;
}

const FILE = /^[a-z0-9-]+\.(jpg|png|webp)$/;
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** The samples of a parsed samples.json; throws naming the first entry that is malformed. */
export function parseSampleList(json: unknown): readonly Sample[] {
  const list = (json as { version?: unknown; samples?: unknown } | null)?.samples;
  if ((json as { version?: unknown } | null)?.version !== 1 || !Array.isArray(list)) {
    throw new LensError(
      'internal',
      `${SAMPLES_FOLDER}/${SAMPLE_LIST_FILE} is not a version-1 sample list ({"version": 1, "samples": [...]}).`,
    );
  }
  return list.map((raw: Partial<Sample>, index) => {
    const where = `${SAMPLES_FOLDER}/${SAMPLE_LIST_FILE}, sample ${index + 1}`;
    if (!isText(raw.file) || !FILE.test(raw.file))
      throw new LensError('internal', `${where}: "file" must be a plain image file name such as cat.jpg.`);
    for (const key of ['title', 'licence', 'credit'] as const)
      if (!isText(raw[key])) throw new LensError('internal', `${where}: "${key}" is missing.`);
    const objects = raw.objects;
    if (!Array.isArray(objects) || objects.length === 0)
      throw new LensError('internal', `${where}: "objects" must list at least one COCO object.`);
    const unknown = objects.filter((o) => !COCO_OBJECTS.includes(o));
    if (unknown.length > 0)
      throw new LensError(
        'internal',
        `${where}: ${unknown.map((o) => JSON.stringify(o)).join(', ')} are not COCO object words.`,
      );
    return { file: raw.file, title: raw.title!, objects: [...objects], licence: raw.licence!, credit: raw.credit! };
  });
}
