// Benchmark-only page (never shipped): the product's own captioning run (vision pass, rows, decode loop, events
// posted as the worker posts them) for the baseline caption alone, for both captions and (when asked) for both
// captions with compared methods beside them, and transformers.js generate() on the same weights and the same ONNX
// Runtime instance, warmed up and then interleaved round by round, so their times can be compared as ratios of
// medians.
import { damroScores } from '../../../src/core/decoding/contrastive';
import { greedy } from '../../../src/core/decoding/sampling';
import { withDefaults } from '../../../src/core/methods/registry';
import { topK } from '../../../src/core/tensor/topk';
import { ADAPTERS } from '../../../src/engine/adapters/registry';
import type { DecoderRunner, RowSpec, StepOutput } from '../../../src/engine/decode/runner';
import { httpSource } from '../../../src/engine/load/http-source';
import { createModelLoader } from '../../../src/engine/load/load-model';
import type { LoadedModel } from '../../../src/engine/model';
import { AttentionStore } from '../../../src/engine/run/attention-store';
import { executeRun } from '../../../src/engine/run/run';
import { AutoProcessor, LlavaForConditionalGeneration, RawImage } from '../../../src/engine/runtime/hf';
import { ort } from '../../../src/engine/runtime/ort';
import type {
  Backend,
  CaptionKind,
  ComparedMethodName,
  DamroSettings,
  Dtype,
  ModelInfo,
  RunParams,
  WorkerEvent,
} from '../../../src/protocol/messages';
import { interleaved } from '../stats';

export interface BenchOptions {
  readonly modelId: string;
  readonly dtype: Dtype;
  readonly backend: Backend;
  readonly steps: number;
  readonly k: number;
  readonly warmup: number;
  readonly rounds: number;
  /** Compared methods run beside both captions in one more configuration (their paper defaults); none: no such run. */
  readonly methods: readonly ComparedMethodName[];
}

/** Milliseconds per decode step spent in each part of the hot path, averaged over one run's steps. */
export interface StepPhases {
  /** Inside ORT session.run (decoder and token embedding). */
  readonly ortRun: number;
  /** The rest of the runner's step: feeds, reading logits and attention rows back, copying them out. */
  readonly readback: number;
  /** Posting the run's events (structured clone), as the worker posts them to the page. */
  readonly messaging: number;
  /** Everything else in a step: DAMRO's combine, sampling, detokenising, attention summaries, the yield. */
  readonly loop: number;
  /** DAMRO's combined score over the vocabulary, timed apart on the same logits (not part of the sum). */
  readonly combine: number;
  /** Greedy choice over the vocabulary, timed apart on the same logits (not part of the sum). */
  readonly sampling: number;
}

/** One measured run of one configuration. */
export interface RunSample {
  /** The decoder's prefill (our runs; generate() does not expose it apart from its first token). */
  readonly prefillMs?: number;
  /** Median wall time of one decode step in this run. */
  readonly stepMs: number;
  /** From the start of the run (image in: vision pass, prompt rows, prefill) to each caption's first token. */
  readonly firstTokenMs: Partial<Record<CaptionKind, number>>;
  /** From the start of the run to the last token of every caption. */
  readonly totalMs: number;
  readonly phases?: StepPhases;
}

export interface BenchResult {
  readonly imageTokens: number;
  readonly promptTokens: number;
  readonly vocabSize: number;
  /** What the CPU backend did with the decoder's n-bit weights (our runs only; generate() runs them packed). */
  readonly cpuWeights?: ModelInfo['cpuWeights'];
  readonly samples: {
    readonly baselineOnly: RunSample[];
    readonly bothCaptions: RunSample[];
    readonly transformersJs: RunSample[];
    /** Both captions and options.methods beside them; empty when no method was asked for. */
    readonly withMethods: RunSample[];
  };
  /** Greedy tokens of our baseline and of generate() (which stops at EOS), to check they decode the same thing. */
  readonly tokens: { readonly ours: readonly number[]; readonly transformersJs: readonly number[] };
}

const PROMPT = 'Generate a short caption of this image.';
const DAMRO: DamroSettings = { alpha: 1, beta: 0.1, k: 10 };
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sum = (values: readonly number[]) => values.reduce((s, v) => s + v, 0);

// Time inside ORT's session.run, counted only while one of our runs is being measured.
let ortClock: number[] | undefined;
const sessionPrototype = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;
const run = sessionPrototype.run;
sessionPrototype.run = async function (this: ort.InferenceSession, ...args: Parameters<typeof run>) {
  const started = performance.now();
  try {
    return await run.apply(this, args);
  } finally {
    ortClock?.push(performance.now() - started);
  }
} as typeof run;

/**
 * The runner with every step's start time and its own duration recorded, and the combine and sampling costs timed
 * apart.
 */
class TimedRunner implements DecoderRunner {
  prefillMs = 0;
  readonly stepStarts: number[] = [];
  readonly stepMs: number[] = [];
  readonly ortMs: number[] = [];
  readonly combineMs: number[] = [];
  readonly samplingMs: number[] = [];
  private scores: Float32Array<ArrayBuffer> | undefined;

  constructor(private readonly inner: DecoderRunner) {}

  async prefill(rows: readonly RowSpec[]): Promise<StepOutput> {
    const started = performance.now();
    const output = await this.inner.prefill(rows);
    this.prefillMs = performance.now() - started;
    return output;
  }

  async step(tokens: readonly (number | null)[]): Promise<StepOutput> {
    const started = performance.now();
    this.stepStarts.push(started);
    ortClock = [];
    const output = await this.inner.step(tokens);
    this.stepMs.push(performance.now() - started);
    this.ortMs.push(sum(ortClock));
    ortClock = undefined;
    this.timeApart(output);
    return output;
  }

  private timeApart(output: StepOutput): void {
    const [full, , outlier] = output.logits;
    let started = performance.now();
    if (outlier) {
      this.scores ??= new Float32Array(full!.length);
      damroScores(full!, outlier, DAMRO, this.scores);
      this.combineMs.push(performance.now() - started);
    }
    started = performance.now();
    greedy(this.scores && outlier ? this.scores : full!);
    this.samplingMs.push(performance.now() - started);
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

function benchImage(): RawImage {
  const size = 256;
  const data = new Uint8ClampedArray(size * size * 3).map((_, i) => (i * 37 + (i >> 9)) % 256);
  return new RawImage(data, size, size, 3);
}

let runIds = 0;

/** One captioning run as the worker does it (src/engine/run/run.ts), with its events posted through a real port. */
async function ourRun(
  model: LoadedModel,
  image: RunParams['image'],
  captions: readonly CaptionKind[],
  options: BenchOptions,
  tokens?: number[],
  methods: readonly ComparedMethodName[] = [],
): Promise<RunSample> {
  let runner: TimedRunner | undefined;
  // The loop runs to max tokens: EOS would make the step count depend on the weights.
  const timed: LoadedModel = Object.create(model, {
    eosTokenIds: { value: [] },
    createRunner: { value: () => (runner = new TimedRunner(model.createRunner())) },
  });
  const channel = new MessageChannel();
  channel.port2.onmessage = () => undefined;
  const firstTokenMs: Partial<Record<CaptionKind, number>> = {};
  let messagingMs = 0;
  const started = performance.now();
  const emit = (event: WorkerEvent, transfer: Transferable[] = []) => {
    const at = performance.now();
    if (event.type === 'run/token') {
      firstTokenMs[event.caption] ??= at - started;
      if (tokens && event.caption === 'baseline') tokens.push(event.tokenId);
    }
    channel.port1.postMessage(event, transfer);
    // Per-step events only: the image's outlier scores and the closing event are posted once per run.
    if (event.type !== 'run/outliers' && event.type !== 'run/finished') messagingMs += performance.now() - at;
  };
  const params: RunParams = {
    image,
    prompt: PROMPT,
    captions: [...captions],
    damro: { ...DAMRO, k: options.k },
    decoding: { mode: 'greedy' },
    maxNewTokens: options.steps + 1,
    attention: { layerFrom: 0, layerTo: model.info.decoder.layers, head: 'mean' },
    ...(methods.length && { methods: methods.map(withDefaults) }),
  };
  await executeRun({
    runId: ++runIds,
    model: timed,
    params,
    signal: new AbortController().signal,
    emit,
    attention: new AttentionStore(64 * 2 ** 20),
    encode: () => model.encodeImage(image),
  });
  const totalMs = performance.now() - started;
  channel.port1.close();
  const r = runner!;
  // A step's wall time runs from one runner.step call to the next, so the last call has none; the phases are
  // averaged over the same calls. Messaging is spread over every token round (the prefill's and each step's).
  const intervals = r.stepStarts.slice(1).map((t, i) => t - r.stepStarts[i]!);
  const n = intervals.length;
  const ortRun = sum(r.ortMs.slice(0, n)) / n;
  const inRunner = sum(r.stepMs.slice(0, n)) / n;
  const perStep = sum(intervals) / n;
  const messaging = messagingMs / (r.stepMs.length + 1);
  return {
    prefillMs: r.prefillMs,
    stepMs: median(intervals),
    firstTokenMs,
    totalMs,
    phases: {
      ortRun,
      readback: inRunner - ortRun,
      messaging,
      loop: perStep - inRunner - messaging,
      combine: r.combineMs.length ? median(r.combineMs) : 0,
      sampling: median(r.samplingMs),
    },
  };
}

function loadBenchModel(options: BenchOptions): Promise<LoadedModel> {
  const siteModels = new URL('models/', location.href);
  const load = createModelLoader({
    adapters: ADAPTERS,
    backend: async () => options.backend,
    locate: (id) => ({
      source: httpSource(`${siteModels.href}${id}/`, undefined),
      hub: { localModelPath: siteModels.pathname, allowRemoteModels: false },
    }),
  });
  return load(options.modelId, options.dtype, () => {});
}

function benchInput(image: RawImage): RunParams['image'] {
  const rgba = image.rgba();
  return { kind: 'rgba', width: rgba.width, height: rgba.height, data: new Uint8ClampedArray(rgba.data) };
}

/** Loads the model and makes one run of the given captions, for a peak-memory reading of a fresh page. */
export async function benchOneRun(options: BenchOptions, captions: readonly CaptionKind[]): Promise<void> {
  const model = await loadBenchModel(options);
  await ourRun(model, benchInput(benchImage()), captions, options);
  await model.dispose();
}

export async function benchEngine(options: BenchOptions): Promise<BenchResult> {
  const model = await loadBenchModel(options);
  const image = benchImage();
  const input = benchInput(image);
  const encoded = await model.encodeImage(input);
  const rows = await model.buildRows(PROMPT, encoded, Int32Array.from(topK(encoded.scores, options.k)));

  const processor = await AutoProcessor.from_pretrained(options.modelId);
  const tjs = await LlavaForConditionalGeneration.from_pretrained(options.modelId, {
    device: options.backend,
    dtype: options.dtype,
  });
  const prompt = processor.apply_chat_template(
    [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: PROMPT }] }],
    { add_generation_prompt: true },
  );
  const inputs = await processor(image, prompt);
  let tjsIds: number[] = [];
  /** One greedy generate() of steps + 1 tokens, timed token by token through its streamer. */
  const generate = async (): Promise<RunSample> => {
    const puts: number[] = [];
    // generate() calls put() once with the prompt, then once per token, right after choosing it.
    const streamer = { put: () => void puts.push(performance.now()), end: () => undefined };
    const started = performance.now();
    const out = (await tjs.generate({
      ...inputs,
      max_new_tokens: options.steps + 1,
      do_sample: false,
      streamer,
    } as Parameters<typeof tjs.generate>[0])) as { tolist(): bigint[][] };
    const totalMs = performance.now() - started;
    tjsIds = out.tolist()[0]!.slice(inputs.input_ids.dims[1]).map(Number);
    const tokenTimes = puts.slice(1);
    return {
      stepMs: median(tokenTimes.slice(1).map((t, i) => t - tokenTimes[i]!)),
      firstTokenMs: { baseline: tokenTimes[0]! - started },
      totalMs,
    };
  };

  const ours: number[] = [];
  let round = 0;
  const passes = options.warmup + options.rounds;
  const configs: Record<string, () => Promise<RunSample>> = {
    baselineOnly: () => ourRun(model, input, ['baseline'], options, round === passes - 1 ? ours : undefined),
    bothCaptions: () => ourRun(model, input, ['baseline', 'damro'], options),
    ...(options.methods.length && {
      withMethods: () => ourRun(model, input, ['baseline', 'damro'], options, undefined, options.methods),
    }),
    transformersJs: async (): Promise<RunSample> => {
      const sample = await generate();
      console.log(`pass ${++round} of ${passes} done (${options.warmup} warm-up)`);
      return sample;
    },
  };
  const samples = await interleaved(configs, options);
  await tjs.dispose();
  await model.dispose();
  return {
    imageTokens: encoded.imageTokens,
    promptTokens: rows.full.length,
    vocabSize: model.info.decoder.vocabSize,
    ...(model.info.cpuWeights && { cpuWeights: model.info.cpuWeights }),
    samples: {
      baselineOnly: samples.baselineOnly!,
      bothCaptions: samples.bothCaptions!,
      transformersJs: samples.transformersJs!,
      withMethods: samples.withMethods ?? [],
    },
    tokens: { ours, transformersJs: tjsIds },
  };
}
