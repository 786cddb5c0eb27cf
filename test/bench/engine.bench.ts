// `npm run bench:engine`: the DAMRO decode engine on the bench-size synthetic LLaVA (~200 M parameters) in headless
// Chromium, one run, reported as ratios: baseline-only vs the 3-row batch [baseline, DAMRO-full, DAMRO-outlier]
// vs DAMRO as two unbatched runs, and our baseline against transformers.js generate() on the same weights and the
// same ONNX Runtime. Goals (not tests): 3-row batch ≤ 1.3× baseline-only; our baseline at least as fast.
// Options: --dtype q4|fp32 (default q4), --backend wasm|webgpu (default wasm), --steps N (default 16).
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import type { BenchOptions, BenchResult, Timing } from './browser-page/engine';
import { withBenchPage } from './browser-page/serve';

const { values } = parseArgs({ options: { dtype: { type: 'string', default: 'q4' }, backend: { type: 'string', default: 'wasm' }, steps: { type: 'string', default: '16' } } });
const dtype = values.dtype === 'fp32' ? 'fp32' : 'q4';
const backend = values.backend === 'webgpu' ? 'webgpu' : 'wasm';

async function benchModel(): Promise<string> {
  const dir = join(tmpdir(), 'damro-lens-bench', `llava-bench-${dtype}`);
  if (!existsSync(join(dir, 'config.json'))) {
    console.log(`generating the bench-size synthetic LLaVA (${dtype}) into ${dir} …`);
    await writeModelFolder(dir, makeLlavaModel({ size: 'bench', dtype }).files);
  }
  return dir;
}

const fmt = (t: Timing) => `prefill ${t.prefillMs.toFixed(0).padStart(7)} ms   step ${t.stepMs.toFixed(1).padStart(7)} ms`;

const modelDir = await benchModel();
await withBenchPage({ bench: modelDir }, async (page) => {
  const options: BenchOptions = { modelId: 'bench', dtype, backend, steps: Number(values.steps), k: 10 };
  console.log(`bench model, ${dtype}, ${backend} in Chromium, ${options.steps} decode steps, k = ${options.k} …`);
  const result = await page.evaluate((o) => (window as unknown as { benchEngine: (o: BenchOptions) => Promise<BenchResult> }).benchEngine(o), options);
  const base = result.baselineOnly.stepMs;
  console.log(`prompt: ${result.promptTokens} tokens (${result.imageTokens} image tokens)\n`);
  console.log(`baseline only (1 row)            ${fmt(result.baselineOnly)}   1.00×`);
  console.log(`3-row batch (baseline + DAMRO)   ${fmt(result.batchedThreeRows)}   ${(result.batchedThreeRows.stepMs / base).toFixed(2)}×   goal ≤ 1.3×`);
  console.log(`DAMRO as two unbatched runs      ${fmt(result.damroTwoUnbatched)}   ${(result.damroTwoUnbatched.stepMs / base).toFixed(2)}×`);
  console.log(`transformers.js generate()       ${fmt(result.transformersJs)}   ${(result.transformersJs.stepMs / base).toFixed(2)}×`);
  // generate() stops at EOS while our timing loop does not, so the common prefix is compared.
  const { ours, transformersJs } = result.tokens;
  const agree = transformersJs.slice(0, ours.length).every((id, i) => id === ours[i]);
  console.log(`\nour baseline: ${(1000 / base).toFixed(1)} tokens/s; transformers.js: ${(1000 / result.transformersJs.stepMs).toFixed(1)} tokens/s`);
  console.log(`greedy tokens ${agree ? 'agree' : 'DIFFER'}: ours ${ours.join(' ')} | transformers.js ${transformersJs.join(' ')}`);
});
