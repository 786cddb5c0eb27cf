// npm run models:make -- --size tiny|bench --dtype fp32|q4|q4f16[,…] --out DIR [--seed N] [--family
// llava|idefics3|llava-gqa|gemma3|paligemma|moondream|lfm2vl|qwen2vl|qwen25vl|llava-if-merged|llava-cls-rules]
import { parseArgs } from 'node:util';
import { makeClsRulesLlavaModel } from './cls-rules/make-model';
import { makeGemma3Model } from './gemma3/make-model';
import { makeGqaLlavaModel } from './gqa/make-model';
import { makePaliGemmaModel } from './paligemma/make-model';
import { makeIdefics3Model } from './idefics3/make-model';
import { makeIfMergedLlavaModel } from './if-merged/make-model';
import { makeLfm2VlModel } from './lfm2vl/make-model';
import { parameterCount, SIZES, type ModelSize } from './llava/dims';
import type { WeightFormat } from './llava/linear-node';
import { DEFAULT_SEED, makeLlavaModel } from './llava/make-model';
import { makeMoondreamModel } from './moondream/make-model';
import { makeQ4f16LlavaModel } from './q4f16/make-model';
import { QWEN25VL_TINY } from './qwen2vl/dims';
import { makeQwen2VLModel } from './qwen2vl/make-model';
import { writeModelFolder } from './write-folder';

type Dtype = WeightFormat | 'q4f16';
const FORMATS: readonly Dtype[] = ['fp32', 'q4', 'q4f16'];

function fail(message: string): never {
  console.error(
    `models:make: ${message}\nusage: npm run models:make -- --size tiny|bench --dtype fp32|q4|q4f16[,…] --out DIR [--seed N] [--family llava|idefics3|llava-gqa|gemma3|paligemma|moondream|lfm2vl|qwen2vl|qwen25vl|llava-if-merged|llava-cls-rules]`,
  );
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'tiny' },
    dtype: { type: 'string', default: 'fp32' },
    out: { type: 'string' },
    seed: { type: 'string' },
    family: { type: 'string', default: 'llava' },
  },
});
const size = values.size as ModelSize;
// Several dtypes go into one folder side by side, as on the Hub (onnx/*.onnx, *_q4.onnx, *_q4f16.onnx).
const dtypes = values.dtype.split(',') as Dtype[];
const dtype = dtypes[0]!;
if (!(size in SIZES)) fail(`unknown --size "${values.size}"`);
for (const d of dtypes) if (!FORMATS.includes(d)) fail(`unknown --dtype "${d}"`);
if (dtypes.includes('q4f16') && size !== 'tiny') fail('--dtype q4f16 is made only for --size tiny');
if (!values.out) fail('--out DIR is required');
const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
if (!Number.isInteger(seed)) fail(`--seed must be an integer, got "${values.seed}"`);

const started = performance.now();
// The SmolVLM-layout, GroupQueryAttention, Gemma 3, PaliGemma, Moondream 2, LFM2-VL, Qwen2-VL, Qwen2.5-VL, If-merged
// and CLS-rules fixtures exist in one size and dtype: tiny, fp32.
const FIXTURES: Record<string, () => Map<string, Uint8Array>> = {
  idefics3: () => makeIdefics3Model({ seed }).files,
  'llava-gqa': () => makeGqaLlavaModel({ seed }),
  gemma3: () => makeGemma3Model({ seed }).files,
  paligemma: () => makePaliGemmaModel({ seed }).files,
  moondream: () => makeMoondreamModel({ seed }).files,
  lfm2vl: () => makeLfm2VlModel({ seed }).files,
  qwen2vl: () => makeQwen2VLModel({ seed }).files,
  qwen25vl: () => makeQwen2VLModel({ seed, dims: QWEN25VL_TINY }).files,
  'llava-if-merged': () => makeIfMergedLlavaModel({ seed }),
  'llava-cls-rules': () => makeClsRulesLlavaModel({ seed }),
};
const fixture = values.family === undefined ? undefined : FIXTURES[values.family];
if (fixture) {
  if (size !== 'tiny' || dtypes.join() !== 'fp32')
    fail(`--family ${values.family} makes only --size tiny --dtype fp32`);
  await writeModelFolder(values.out, fixture());
  console.log(
    `synthetic ${values.family} tiny fp32 (seed ${seed}) in ${values.out} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  process.exit(0);
}
if (values.family !== 'llava') fail(`unknown --family "${values.family}"`);
const filesOf = (d: Dtype) =>
  d === 'q4f16' ? makeQ4f16LlavaModel({ seed }) : makeLlavaModel({ size, dtype: d, seed }).files;
// The first dtype's config and processor files describe the folder; the others add only their graphs.
const files = new Map(filesOf(dtype));
for (const extra of dtypes.slice(1))
  for (const [path, bytes] of filesOf(extra)) if (path.startsWith('onnx/')) files.set(path, bytes);
await writeModelFolder(values.out, files);
const bytes = [...files.values()].reduce((sum, f) => sum + f.byteLength, 0);
const parameters = parameterCount(SIZES[size]);
console.log(
  `synthetic llava ${size} ${dtypes.join('+')} (seed ${seed}): ${parameters.toLocaleString('en-US')} parameters, ` +
    `${(bytes / 2 ** 20).toFixed(2)} MiB in ${values.out} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
