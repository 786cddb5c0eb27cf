// npm run models:detector -- --out DIR
import { parseArgs } from 'node:util';
import { writeModelFolder } from '../write-folder';
import { makeDetectorModel } from './make-detector';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
if (!values.out) {
  console.error('models:detector: --out DIR is required\nusage: npm run models:detector -- --out DIR');
  process.exit(2);
}
const files = makeDetectorModel();
await writeModelFolder(values.out, files);
const bytes = [...files.values()].reduce((sum, f) => sum + f.byteLength, 0);
console.log(`synthetic detector (DETR layout): ${(bytes / 1024).toFixed(1)} KiB in ${values.out}`);
