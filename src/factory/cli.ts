// npm run models:make -- --size tiny|bench --dtype fp32|q4 --out DIR [--seed N]
import { parseArgs } from 'node:util';
import { SIZES, type ModelSize } from './llava/dims';
import type { WeightFormat } from './llava/linear-node';
import { DEFAULT_SEED, makeLlavaModel } from './llava/make-model';
import { writeModelFolder } from './write-folder';

const FORMATS: readonly WeightFormat[] = ['fp32', 'q4'];

function fail(message: string): never {
  console.error(`models:make: ${message}\nusage: npm run models:make -- --size tiny|bench --dtype fp32|q4 --out DIR [--seed N]`);
  process.exit(2);
}

const { values } = parseArgs({
  options: { size: { type: 'string', default: 'tiny' }, dtype: { type: 'string', default: 'fp32' }, out: { type: 'string' }, seed: { type: 'string' } },
});
const size = values.size as ModelSize;
const dtype = values.dtype as WeightFormat;
if (!(size in SIZES)) fail(`unknown --size "${values.size}"`);
if (!FORMATS.includes(dtype)) fail(`unknown --dtype "${values.dtype}"`);
if (!values.out) fail('--out DIR is required');
const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
if (!Number.isInteger(seed)) fail(`--seed must be an integer, got "${values.seed}"`);

const started = performance.now();
const model = makeLlavaModel({ size, dtype, seed });
await writeModelFolder(values.out, model.files);
const bytes = [...model.files.values()].reduce((sum, f) => sum + f.byteLength, 0);
console.log(
  `synthetic llava ${size} ${dtype} (seed ${seed}): ${model.parameters.toLocaleString('en-US')} parameters, ` +
    `${(bytes / 2 ** 20).toFixed(2)} MiB in ${values.out} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
