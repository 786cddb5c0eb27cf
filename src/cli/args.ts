// Command line of `npm run eval`: a benchmark run (pope | chair | mme) or a merge of shard folders.
import { parseArgs } from 'node:util';
import { BENCHMARKS, checkSplit, type BenchmarkName } from '../core/eval/benchmarks';
import { parseShard } from '../core/eval/items';
import { paperPreset, type EvalSettings } from '../core/eval/presets';
import type { EvalRunConfig } from '../core/eval/run-config';
import { LensError } from '../protocol/errors';
import type { ClsScorer, Dtype } from '../protocol/messages';

export const USAGE = `usage:
  npm run eval -- pope|chair|mme --images DIR --model ID --out DIR [--split S] [--backend node|chromium]
                  [--shard i/n] [--limit N] [--preset paper|custom] [--alpha A] [--beta B] [--k K]
                  [--mode sample|greedy] [--seed N] [--max-new-tokens N] [--dtype fp32|q4|fp16|q4f16]
                  [--cls-scorer clip-single-head|head-mean] [--rule damro|official] [--data DIR]
  npm run eval -- merge --out DIR SHARD_DIR... [--rule damro|official] [--data DIR]

  --model     a model folder on disk (DIR, any transformers.js image-text export), a name under public/models/,
              or (chromium) a Hub id or an http(s) base URL of a model folder
  --preset    paper (default): the paper's α/β/k, sampling at T = 1, seed 42; custom: only what you pass
  --cls-scorer  DAMRO's outlier score for an encoder with a CLS token: clip-single-head (default; the paper's
              LLaVA-1.5 setting, one softmax over the full width) or head-mean (its InstructBLIP setting)
  --limit     ask the first N questions, rounded up to whole images
  --shard     i/n: this machine's share (whole images, round-robin); merge the n output folders afterwards
  --data      the folder with the question lists, laid out as public/data/ (the default: the repository's
              own copy of the POPE and CHAIR lists); MME needs a folder with its Your_Results lists`;

export type Backend = 'node' | 'chromium';

export interface RunCommand {
  readonly kind: 'run';
  readonly config: EvalRunConfig;
  readonly images: string;
  readonly out: string;
  readonly backend: Backend;
  readonly rule: 'damro' | 'official';
  readonly data?: string;
}

export interface MergeCommand {
  readonly kind: 'merge';
  readonly out: string;
  readonly shards: readonly string[];
  readonly rule: 'damro' | 'official';
  readonly data?: string;
}

const bad = (message: string): never => {
  throw new LensError('bad-request', message);
};

function number(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : bad(`--${name} must be a number, got '${text}'.`);
}

function oneOf<T extends string>(text: string | undefined, allowed: readonly T[], name: string, fallback: T): T {
  if (text === undefined) return fallback;
  return (allowed as readonly string[]).includes(text) ? (text as T) : bad(`--${name} must be ${allowed.join(' or ')}, got '${text}'.`);
}

export interface HelpCommand {
  readonly kind: 'help';
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        images: { type: 'string' }, model: { type: 'string' }, out: { type: 'string' }, split: { type: 'string' }, backend: { type: 'string' },
        shard: { type: 'string' }, limit: { type: 'string' }, preset: { type: 'string' }, alpha: { type: 'string' }, beta: { type: 'string' },
        k: { type: 'string' }, mode: { type: 'string' }, seed: { type: 'string' }, 'max-new-tokens': { type: 'string' }, dtype: { type: 'string' },
        rule: { type: 'string' }, data: { type: 'string' }, 'cls-scorer': { type: 'string' },
      },
    });
  } catch (error) {
    // node:util reports unknown or malformed options as a TypeError; they are the person's input, not a crash.
    return bad(error instanceof Error ? error.message : String(error));
  }
}

export function parseCommand(argv: readonly string[]): RunCommand | MergeCommand | HelpCommand {
  const { values, positionals } = parse(argv);
  if (values.help) return { kind: 'help' };
  const [command, ...rest] = positionals;
  const rule = oneOf(values.rule, ['damro', 'official'] as const, 'rule', 'damro');
  const out = values.out ?? bad('--out DIR is required.');
  if (command === 'merge') {
    if (rest.length === 0) bad('merge needs the shard folders to merge.');
    return { kind: 'merge', out, shards: rest, rule, data: values.data };
  }
  if (!command || !(command in BENCHMARKS)) bad(`the first argument is a benchmark (${Object.keys(BENCHMARKS).join(', ')}) or merge; got '${command ?? ''}'.`);
  if (rest.length) bad(`unexpected argument '${rest[0]}'.`);
  const benchmark = command as BenchmarkName;
  const split = checkSplit(BENCHMARKS[benchmark], values.split ?? BENCHMARKS[benchmark].splits[0]);
  const preset = oneOf(values.preset, ['paper', 'custom'] as const, 'preset', 'paper');
  const base = paperPreset(benchmark).settings;
  const given = { alpha: number(values.alpha, 'alpha'), beta: number(values.beta, 'beta'), k: number(values.k, 'k') };
  if (preset === 'paper' && (given.alpha ?? given.beta ?? given.k ?? values.mode ?? values.seed ?? values['max-new-tokens']) !== undefined) {
    bad('--preset paper fixes α, β, k, mode, seed and max new tokens; pass --preset custom to change them.');
  }
  const settings: EvalSettings = {
    damro: { alpha: given.alpha ?? base.damro.alpha, beta: given.beta ?? base.damro.beta, k: given.k ?? base.damro.k },
    decoding: oneOf(values.mode, ['sample', 'greedy'] as const, 'mode', base.decoding),
    seed: number(values.seed, 'seed') ?? base.seed,
    maxNewTokens: number(values['max-new-tokens'], 'max-new-tokens') ?? base.maxNewTokens,
  };
  const config: EvalRunConfig = {
    benchmark,
    split,
    modelId: values.model ?? bad('--model ID is required.'),
    dtype: oneOf(values.dtype, ['fp32', 'q4', 'fp16', 'q4f16'] as const satisfies readonly Dtype[], 'dtype', 'fp32'),
    clsScorer: oneOf(values['cls-scorer'], ['clip-single-head', 'head-mean'] as const satisfies readonly ClsScorer[], 'cls-scorer', 'clip-single-head'),
    settings,
    limit: number(values.limit, 'limit'),
    shard: values.shard === undefined ? undefined : parseShard(values.shard),
  };
  return {
    kind: 'run',
    config,
    images: values.images ?? bad('--images DIR is required.'),
    out,
    backend: oneOf(values.backend, ['node', 'chromium'] as const, 'backend', 'node'),
    rule,
    data: values.data,
  };
}
