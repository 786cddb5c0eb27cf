// Benchmark-only page (never shipped): our decode paths and transformers.js generate() on the same weights and the
// same ONNX Runtime instance in one browser run, so their times can be compared as ratios.
import { topK } from '../../../src/core/tensor/topk';
import { ADAPTERS } from '../../../src/engine/adapters/registry';
import type { DecoderRunner, RowSpec } from '../../../src/engine/decode/runner';
import { httpSource } from '../../../src/engine/load/http-source';
import { createModelLoader } from '../../../src/engine/load/load-model';
import { AutoProcessor, LlavaForConditionalGeneration, RawImage } from '../../../src/engine/runtime/hf';
import type { Backend, Dtype } from '../../../src/protocol/messages';

export interface BenchOptions {
  readonly modelId: string;
  readonly dtype: Dtype;
  readonly backend: Backend;
  readonly steps: number;
  readonly k: number;
}

export interface Timing {
  readonly prefillMs: number;
  /** Median milliseconds per decode step. */
  readonly stepMs: number;
}

export interface BenchResult {
  readonly imageTokens: number;
  readonly promptTokens: number;
  readonly baselineOnly: Timing;
  readonly batchedThreeRows: Timing;
  readonly damroTwoUnbatched: Timing;
  /** transformers.js generate(): the same prompt and image, greedy; per-token time from a 1-token and a long run. */
  readonly transformersJs: Timing;
  /** Greedy tokens of our baseline and of generate() (which stops at EOS), to check they decode the same thing. */
  readonly tokens: { readonly ours: readonly number[]; readonly transformersJs: readonly number[] };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const PROMPT = 'Generate a short caption of this image.';

async function timeRunners(runners: DecoderRunner[], rows: RowSpec[][], steps: number): Promise<{ timing: Timing; tokens: number[] }> {
  let started = performance.now();
  let outputs = await Promise.all(runners.map((runner, i) => runner.prefill(rows[i])));
  const prefillMs = performance.now() - started;
  const stepTimes: number[] = [];
  const tokens: number[] = [];
  for (let s = 0; s < steps; s++) {
    // Greedy on the first row's logits, fed to every row: the cost does not depend on which token it is.
    const logits = outputs[0].logits[0];
    const token = topK(logits, 1)[0];
    tokens.push(token);
    started = performance.now();
    // Unbatched runs go one after another: ORT-web runs one session call at a time anyway.
    const next = [];
    for (let i = 0; i < runners.length; i++) next.push(await runners[i].step(rows[i].map(() => token)));
    outputs = next;
    stepTimes.push(performance.now() - started);
  }
  await Promise.all(runners.map((runner) => runner.dispose()));
  return { timing: { prefillMs, stepMs: median(stepTimes) }, tokens };
}

function benchImage(): RawImage {
  const size = 256;
  const data = new Uint8ClampedArray(size * size * 3).map((_, i) => (i * 37 + (i >> 9)) % 256);
  return new RawImage(data, size, size, 3);
}

export async function benchEngine(options: BenchOptions): Promise<BenchResult> {
  const siteModels = new URL('models/', location.href);
  const load = createModelLoader({
    adapters: ADAPTERS,
    backend: async () => options.backend,
    locate: (id) => ({ source: httpSource(`${siteModels.href}${id}/`, undefined), hub: { localModelPath: siteModels.pathname, allowRemoteModels: false } }),
  });
  const model = await load(options.modelId, options.dtype, () => {});
  const image = benchImage();
  const rgba = image.rgba();
  const encoded = await model.encodeImage({ kind: 'rgba', width: rgba.width, height: rgba.height, data: new Uint8ClampedArray(rgba.data) });
  const rows = await model.buildRows(PROMPT, encoded, Int32Array.from(topK(encoded.scores, options.k)));
  const full = rows.full;
  const outlier = rows.outlier!;

  const baseline = await timeRunners([model.createRunner()], [[full]], options.steps);
  const batched = await timeRunners([model.createRunner()], [[full, full, outlier]], options.steps);
  const unbatched = await timeRunners([model.createRunner(), model.createRunner()], [[full], [outlier]], options.steps);

  const processor = await AutoProcessor.from_pretrained(options.modelId);
  const tjs = await LlavaForConditionalGeneration.from_pretrained(options.modelId, { device: options.backend, dtype: options.dtype });
  const prompt = processor.apply_chat_template([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: PROMPT }] }], { add_generation_prompt: true });
  const inputs = await processor(image, prompt);
  const generate = async (tokens: number) => {
    const started = performance.now();
    const out = (await tjs.generate({ ...inputs, max_new_tokens: tokens, do_sample: false })) as { tolist(): bigint[][] };
    return { ms: performance.now() - started, ids: out.tolist()[0].slice(inputs.input_ids.dims[1]).map(Number) };
  };
  await generate(1);
  const one = await generate(1);
  const many = await generate(options.steps + 1);
  await tjs.dispose();
  await model.dispose();

  return {
    imageTokens: encoded.imageTokens,
    promptTokens: full.length,
    baselineOnly: baseline.timing,
    batchedThreeRows: batched.timing,
    damroTwoUnbatched: unbatched.timing,
    transformersJs: { prefillMs: one.ms, stepMs: (many.ms - one.ms) / Math.max(1, many.ids.length - 1) },
    tokens: { ours: baseline.tokens, transformersJs: many.ids },
  };
}
