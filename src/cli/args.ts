// Command line of `npm run eval`: a benchmark run (pope | chair | mme | gpt4v) or a merge of shard folders.
import { parseArgs } from 'node:util';
import { COMPARED_METHODS, comparedChoices } from '../core/eval/benchmark';
import { BENCHMARKS, checkSplit, type BenchmarkName } from '../core/eval/benchmarks';
import { parseShard } from '../core/eval/items';
import { paperPreset, type EvalSettings } from '../core/eval/presets';
import type { EvalRunConfig } from '../core/eval/run-config';
import { METHODS } from '../core/methods/registry';
import { LensError } from '../protocol/errors';
import type { ClsScorer, ComparedMethod, ComparedMethodName, Dtype } from '../protocol/messages';

export const USAGE = `usage:
  npm run eval -- pope|chair|mme|gpt4v --images DIR --model ID --out DIR [--split S] [--backend node|chromium]
                  [--shard i/n] [--limit N] [--preset paper|custom] [--alpha A] [--beta B] [--k K]
                  [--mode sample|greedy] [--seed N] [--max-new-tokens N] [--dtype fp32|q4|fp16|q4f16]
                  [--cls-scorer clip-single-head|head-mean] [--rule damro|official] [--data DIR]
                  [--methods vcd,m3id,avisc,ablation] [--vcd.alpha A --m3id.lambda L ...]
                  gpt4v: --judge-url URL --judge-model NAME [--concurrency N] [--judge-timeout S] [--yes]
  npm run eval -- merge --out DIR SHARD_DIR... [--rule damro|official] [--data DIR]
                  [gpt4v: --images DIR and the judge options above]
  npm run eval -- evidence --run DIR [--run DIR...] [--out DIR] [--seed N] [--resamples N] [--data DIR]

  --model     a model folder on disk (DIR, any transformers.js image-text export), a name under public/models/,
              or (chromium) a Hub id or an http(s) base URL of a model folder
  --preset    paper (default): the paper's α/β/k, sampling at T = 1, seed 42; custom: only what you pass
  --cls-scorer  DAMRO's outlier score for an encoder with a CLS token: clip-single-head (default; the paper's
              LLaVA-1.5 setting, one softmax over the full width) or head-mean (its InstructBLIP setting)
  --methods   contrastive methods answered beside baseline and DAMRO in the same pass (one answers file and
              one table column each); --METHOD.PARAM sets one hyper-parameter (default: the method's paper's)
  --limit     ask the first N questions, rounded up to whole images
  --shard     i/n: this machine's share (whole images, round-robin); merge the n output folders afterwards
  --data      the folder with the question lists, laid out as public/data/ (the default: the repository's
              own copy of the POPE, CHAIR and GPT-4V-aided lists); MME needs a folder with its Your_Results lists
  --judge-url the judge's OpenAI-compatible base URL (https://api.openai.com/v1, a local llama.cpp or Ollama
              server's http://127.0.0.1:PORT/v1); the API key is read from the JUDGE_API_KEY environment variable
  --yes       agree to send the images and both answers of every item to the judge (without it the run
              says where they would go and how many requests, and stops)
  --concurrency  judge requests at once (default 4); --judge-timeout: seconds per request (default 120)
  evidence    hallucination evidence of a CHAIR run: --run once per shard folder (merged), tables (CSV, JSON)
              and SVG charts in --out (default: DIR/evidence of the first run); --seed and --resamples
              set the bootstrap (42 and 2000)`;

export type Backend = 'node' | 'chromium';

/** Where the GPT-4V-aided judge is and how to ask it; the key comes from the environment, never the command line. */
export interface JudgeOptions {
  readonly baseUrl: string;
  readonly model: string;
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** --yes: the person agreed to send images to baseUrl. */
  readonly consent: boolean;
}

export interface RunCommand {
  readonly kind: 'run';
  readonly config: EvalRunConfig;
  readonly images: string;
  readonly out: string;
  readonly backend: Backend;
  readonly rule: 'damro' | 'official';
  readonly data?: string;
  readonly judge?: JudgeOptions;
}

export interface MergeCommand {
  readonly kind: 'merge';
  readonly out: string;
  readonly shards: readonly string[];
  readonly rule: 'damro' | 'official';
  readonly data?: string;
  /** The image folder, for judging merged GPT-4V-aided shards. */
  readonly images?: string;
  readonly judge?: JudgeOptions;
}

const bad = (message: string): never => {
  throw new LensError('bad-arguments', message);
};

function number(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : bad(`--${name} must be a number, got '${text}'.`);
}

function oneOf<T extends string>(text: string | undefined, allowed: readonly T[], name: string, fallback: T): T {
  if (text === undefined) return fallback;
  return (allowed as readonly string[]).includes(text)
    ? (text as T)
    : bad(`--${name} must be ${allowed.join(' or ')}, got '${text}'.`);
}

export interface EvidenceCommand {
  readonly kind: 'evidence';
  readonly runs: readonly string[];
  readonly out?: string;
  readonly data?: string;
  readonly seed?: number;
  readonly resamples?: number;
}

export interface HelpCommand {
  readonly kind: 'help';
}

/** --vcd.alpha and the like: one option per hyper-parameter of each method a run may compare. */
const METHOD_PARAMS = COMPARED_METHODS.flatMap((method) =>
  Object.keys(METHODS[method].defaults).map((name) => ({ method, name, option: `${method}.${name}` })),
);

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        images: { type: 'string' },
        model: { type: 'string' },
        out: { type: 'string' },
        split: { type: 'string' },
        backend: { type: 'string' },
        shard: { type: 'string' },
        limit: { type: 'string' },
        preset: { type: 'string' },
        alpha: { type: 'string' },
        beta: { type: 'string' },
        k: { type: 'string' },
        mode: { type: 'string' },
        seed: { type: 'string' },
        'max-new-tokens': { type: 'string' },
        dtype: { type: 'string' },
        rule: { type: 'string' },
        data: { type: 'string' },
        run: { type: 'string', multiple: true },
        resamples: { type: 'string' },
        'cls-scorer': { type: 'string' },
        'judge-url': { type: 'string' },
        'judge-model': { type: 'string' },
        concurrency: { type: 'string' },
        'judge-timeout': { type: 'string' },
        yes: { type: 'boolean' },
        methods: { type: 'string' },
        ...Object.fromEntries(METHOD_PARAMS.map(({ option }) => [option, { type: 'string' as const }])),
      },
    });
  } catch (error) {
    // node:util reports unknown or malformed options as a TypeError; they are the person's input, not a crash.
    return bad(error instanceof Error ? error.message : String(error));
  }
}

function judgeOptions(values: ReturnType<typeof parse>['values']): JudgeOptions | undefined {
  const baseUrl = values['judge-url'];
  if (baseUrl === undefined)
    return values['judge-model'] === undefined ? undefined : bad('--judge-model needs --judge-url.');
  const concurrency = number(values.concurrency, 'concurrency') ?? 4;
  const seconds = number(values['judge-timeout'], 'judge-timeout') ?? 120;
  if (!(Number.isInteger(concurrency) && concurrency >= 1))
    bad(`--concurrency must be a whole number ≥ 1, got ${concurrency}.`);
  if (!(seconds > 0)) bad(`--judge-timeout must be a positive number of seconds, got ${seconds}.`);
  return {
    baseUrl,
    model: values['judge-model'] ?? bad('--judge-model NAME is required with --judge-url.'),
    concurrency,
    timeoutMs: seconds * 1000,
    consent: values.yes === true,
  };
}

/** The methods --methods names, each with its paper's defaults overridden by its --METHOD.PARAM options. */
function comparedMethods(values: ReturnType<typeof parse>['values']): ComparedMethod[] | undefined {
  const names = (values.methods ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const given = values as Readonly<Record<string, string | boolean | string[] | undefined>>;
  for (const { method, option } of METHOD_PARAMS)
    if (given[option] !== undefined && !names.includes(method)) bad(`--${option} needs ${method} in --methods.`);
  const methods = names.map((name): ComparedMethod => {
    const own = METHOD_PARAMS.filter((p) => p.method === name);
    const params = Object.fromEntries(
      own.map(({ method, name: param, option }) => [
        param,
        number(given[option] as string | undefined, option) ??
          (METHODS[method].defaults as unknown as Readonly<Record<string, number>>)[param],
      ]),
    );
    return { method: name as ComparedMethodName, params };
  });
  comparedChoices(methods);
  return methods.length ? methods : undefined;
}

/**
 * The command `argv` asks for; anything wrong in it is a 'bad-arguments' error, which the CLI answers with its usage.
 */
export function parseCommand(argv: readonly string[]): RunCommand | MergeCommand | EvidenceCommand | HelpCommand {
  try {
    return parseCommandLine(argv);
  } catch (error) {
    // The shared checks (split names, shard syntax) report 'bad-request'; here their input is what was typed.
    if (error instanceof LensError && error.code === 'bad-request') throw new LensError('bad-arguments', error.message);
    throw error;
  }
}

function parseCommandLine(argv: readonly string[]): RunCommand | MergeCommand | EvidenceCommand | HelpCommand {
  const { values, positionals } = parse(argv);
  if (values.help) return { kind: 'help' };
  const [command, ...rest] = positionals;
  if (command === 'evidence') {
    if (rest.length) bad(`unexpected argument '${rest[0]}'; give each run folder with --run.`);
    const runs = values.run ?? bad('evidence needs --run DIR (once per shard folder).');
    return {
      kind: 'evidence',
      runs,
      out: values.out,
      data: values.data,
      seed: number(values.seed, 'seed'),
      resamples: number(values.resamples, 'resamples'),
    };
  }
  const rule = oneOf(values.rule, ['damro', 'official'] as const, 'rule', 'damro');
  const out = values.out ?? bad('--out DIR is required.');
  if (command === 'merge') {
    if (rest.length === 0) bad('merge needs the shard folders to merge.');
    return {
      kind: 'merge',
      out,
      shards: rest,
      rule,
      data: values.data,
      images: values.images,
      judge: judgeOptions(values),
    };
  }
  if (!command || !(command in BENCHMARKS))
    bad(`the first argument is a benchmark (${Object.keys(BENCHMARKS).join(', ')}) or merge; got '${command ?? ''}'.`);
  if (rest.length) bad(`unexpected argument '${rest[0]}'.`);
  const benchmark = command as BenchmarkName;
  const judge = judgeOptions(values);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  // Shards only answer; the merge judges.
  if (benchmark === 'gpt4v' && !judge && !(shard && shard.count > 1))
    bad('gpt4v needs a judge: --judge-url URL --judge-model NAME.');
  if (benchmark !== 'gpt4v' && judge) bad(`--judge-url is for gpt4v; ${benchmark} needs no judge.`);
  const split = checkSplit(BENCHMARKS[benchmark], values.split ?? BENCHMARKS[benchmark].splits[0]);
  const preset = oneOf(values.preset, ['paper', 'custom'] as const, 'preset', 'paper');
  const base = paperPreset(benchmark).settings;
  const given = { alpha: number(values.alpha, 'alpha'), beta: number(values.beta, 'beta'), k: number(values.k, 'k') };
  if (
    preset === 'paper' &&
    (given.alpha ?? given.beta ?? given.k ?? values.mode ?? values.seed ?? values['max-new-tokens']) !== undefined
  ) {
    bad('--preset paper fixes α, β, k, mode, seed and max new tokens; pass --preset custom to change them.');
  }
  let settings: EvalSettings = {
    damro: { alpha: given.alpha ?? base.damro.alpha, beta: given.beta ?? base.damro.beta, k: given.k ?? base.damro.k },
    decoding: oneOf(values.mode, ['sample', 'greedy'] as const, 'mode', base.decoding),
    seed: number(values.seed, 'seed') ?? base.seed,
    maxNewTokens: number(values['max-new-tokens'], 'max-new-tokens') ?? base.maxNewTokens,
  };
  const methods = comparedMethods(values);
  if (methods) settings = { ...settings, methods };
  const config: EvalRunConfig = {
    benchmark,
    split,
    modelId: values.model ?? bad('--model ID is required.'),
    dtype: oneOf(values.dtype, ['fp32', 'q4', 'fp16', 'q4f16'] as const satisfies readonly Dtype[], 'dtype', 'fp32'),
    clsScorer: oneOf(
      values['cls-scorer'],
      ['clip-single-head', 'head-mean'] as const satisfies readonly ClsScorer[],
      'cls-scorer',
      'clip-single-head',
    ),
    settings,
    limit: number(values.limit, 'limit'),
    shard,
  };
  return {
    kind: 'run',
    config,
    images: values.images ?? bad('--images DIR is required.'),
    out,
    backend: oneOf(values.backend, ['node', 'chromium'] as const, 'backend', 'node'),
    rule,
    data: values.data,
    judge,
  };
}
