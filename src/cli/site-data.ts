// `npm run data:eval`: copies the POPE question files and the CHAIR image list from the shared data folder into
// public/eval-data/ (generated, not committed, like public/models/), under their shared-data paths, so the site's
// benchmark panel fetches them offline. MME's question lists are not served (MME's terms); the panel reads them
// from the folder the person picks.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BENCHMARKS } from '../core/eval/benchmarks';
import { DEFAULT_DATA_DIR, REPO_ROOT } from './data';

const SERVED = [BENCHMARKS.pope, BENCHMARKS.chair].flatMap((b) => b.splits.flatMap((split) => b.sources(split)));
const out = join(REPO_ROOT, 'public', 'eval-data');
for (const path of SERVED) {
  await mkdir(dirname(join(out, path)), { recursive: true });
  await copyFile(join(DEFAULT_DATA_DIR, path), join(out, path));
}
console.log(`data:eval: ${SERVED.length} question lists → public/eval-data/`);
