// npm run models:make -- --size tiny|bench --dtype fp32|q4 --out DIR [--seed N] [--family llava|idefics3|llava-gqa]
import { parseArgs } from 'node:util';
import { makeGqaLlavaModel } from './gqa/make-model';
import { makeIdefics3Model } from './idefics3/make-model';
import { SIZES, type ModelSize } from './llava/dims';
import type { WeightFormat } from './llava/linear-node';
import { DEFAULT_SEED, makeLlavaModel } from './llava/make-model';
import { writeModelFolder } from './write-folder';

const FORMATS: readonly WeightFormat[] = ['fp32', 'q4'];

function fail(message: string): never {
  console.error(`models:make: ${message}\nusage: npm run models:make -- --size tiny|bench --dtype fp32|q4 --out DIR [--seed N] [--family llava|idefics3|llava-gqa]`);
  process.exit(2);
}

const { values } = parseArgs({
  options: { size: { type: 'string', default: 'tiny' }, dtype: { type: 'string', default: 'fp32' }, out: { type: 'string' }, seed: { type: 'string' }, family: { type: 'string', default: 'llava' } },
});
const size = values.size as ModelSize;
const dtype = values.dtype as WeightFormat;
if (!(size in SIZES)) fail(`unknown --size "${values.size}"`);
if (!FORMATS.includes(dtype)) fail(`unknown --dtype "${values.dtype}"`);
if (!values.out) fail('--out DIR is required');
const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
if (!Number.isInteger(seed)) fail(`--seed must be an integer, got "${values.seed}"`);

const started = performance.now();
// The SmolVLM-layout and GroupQueryAttention fixtures exist in one size and dtype: tiny, fp32.
const FIXTURES: Record<string, () => Map<string, Uint8Array>> = {
  idefics3: () => makeIdefics3Model({ seed }).files,
  'llava-gqa': () => makeGqaLlavaModel({ seed }),
};
const fixture = values.family === undefined ? undefined : FIXTURES[values.family];
if (fixture) {
  if (size !== 'tiny' || dtype !== 'fp32') fail(`--family ${values.family} makes only --size tiny --dtype fp32`);
  await writeModelFolder(values.out, fixture());
  console.log(`synthetic ${values.family} tiny fp32 (seed ${seed}) in ${values.out} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  process.exit(0);
}
if (values.family !== 'llava') fail(`unknown --family "${values.family}"`);
const model = makeLlavaModel({ size, dtype, seed });
await writeModelFolder(values.out, model.files);
const bytes = [...model.files.values()].reduce((sum, f) => sum + f.byteLength, 0);
console.log(
  `synthetic llava ${size} ${dtype} (seed ${seed}): ${model.parameters.toLocaleString('en-US')} parameters, ` +
    `${(bytes / 2 ** 20).toFixed(2)} MiB in ${values.out} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
