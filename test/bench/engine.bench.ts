// `npm run bench:engine`: the DAMRO decode engine on the bench-size synthetic LLaVA (576 image tokens, a 49,152-token
// vocabulary) in headless Chromium. Three configurations — our baseline caption alone, both captions (the 3-row
// batch), transformers.js generate() on the same weights and the same ONNX Runtime — are warmed up, then run in
// interleaved rounds; every figure is a median with its interquartile range and every ratio a ratio of medians.
// Goals (not tests): both captions' step ≤ 1.10× and first token ≤ 1.15× the baseline's; our baseline's
// tokens/s ≥ 1.2× generate()'s. Timings mean something only on a quiet machine.
// Options: --dtype q4|fp32 (default q4), --backend wasm|webgpu (default wasm), --steps N (default 16),
// --rounds N (default 5), --warmup N (default 1), --size tiny|bench (default bench; tiny for a quick smoke check),
// --decoder eager|gqa (default eager; gqa: the decoder's attention as fused GroupQueryAttention, 3 KV heads),
// --methods vcd,m3id,… (default none: compared methods, at their paper defaults, run beside both captions in one more
// interleaved configuration, and the cost of each added method is reported).
// Then peak memory: a fresh browser per configuration loads the model and makes one run, and the peak resident
// memory of its renderer and GPU processes is read (Linux /proc).
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { COMPARED_METHODS } from '../../src/core/eval/benchmark';
import type { CaptionKind, ComparedMethodName } from '../../src/protocol/messages';
import type { BenchOptions, BenchResult, RunSample, StepPhases } from './browser-page/engine';
import { withBenchPage } from './browser-page/serve';
import { benchModelFolder } from './bench-model';
import { formatSummary, ratioOfMedians, relativeSpread, summarize, type Summary } from './stats';

const { values } = parseArgs({
  options: {
    dtype: { type: 'string', default: 'q4' },
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    size: { type: 'string', default: 'bench' },
    decoder: { type: 'string', default: 'eager' },
    methods: { type: 'string', default: '' },
  },
});
const methods = values.methods.split(',').filter(Boolean) as ComparedMethodName[];
const unknown = methods.filter((m) => !COMPARED_METHODS.includes(m));
if (unknown.length)
  throw new Error(`--methods: unknown ${unknown.join(', ')}; choose from ${COMPARED_METHODS.join(', ')}`);
const dtype = values.dtype === 'fp32' ? 'fp32' : 'q4';
const backend = values.backend === 'webgpu' ? 'webgpu' : 'wasm';
const options: BenchOptions = {
  modelId: 'bench',
  dtype,
  backend,
  steps: Number(values.steps),
  k: 10,
  warmup: Number(values.warmup),
  rounds: Number(values.rounds),
  methods,
};
if (!(options.steps >= 2 && options.rounds >= 1 && options.warmup >= 0))
  throw new Error('--steps must be ≥ 2, --rounds ≥ 1, --warmup ≥ 0');

const size = values.size === 'tiny' ? 'tiny' : 'bench';
const decoder = values.decoder === 'gqa' ? 'gqa' : 'eager';
const modelDir = await benchModelFolder(size, dtype, decoder);
await withBenchPage({ bench: modelDir }, async (page) => {
  page.on('console', (message) => console.log(`  ${message.text()}`));
  console.log(
    `${size} model (${decoder === 'gqa' ? 'GroupQueryAttention' : 'unfused'} decoder), ${dtype}, ${backend} in Chromium, ${options.steps} decode steps, k = ${options.k}, ${options.warmup} warm-up + ${options.rounds} interleaved rounds …`,
  );
  const result = await page.evaluate(
    (o) => (window as unknown as { benchEngine: (o: BenchOptions) => Promise<BenchResult> }).benchEngine(o),
    options,
  );
  report(result);
});
await memoryReport();

function report(result: BenchResult): void {
  const { baselineOnly, bothCaptions, transformersJs, withMethods } = result.samples;
  const of = (samples: RunSample[], pick: (s: RunSample) => number | undefined): Summary | undefined => {
    const picked = samples.map(pick).filter((v): v is number => v !== undefined);
    return picked.length ? summarize(picked) : undefined;
  };
  const cell = (s: Summary | undefined) => (s ? formatSummary(s, 0) : '—');
  const columns = {
    prefill: (s: RunSample) => s.prefillMs,
    step: (s: RunSample) => s.stepMs,
    'first token, baseline': (s: RunSample) => s.firstTokenMs.baseline,
    'first token, DAMRO': (s: RunSample) => s.firstTokenMs.damro,
    // The person waits for the later of the captions' first tokens.
    'first token, all captions': (s: RunSample) => Math.max(...Object.values(s.firstTokenMs)),
    total: (s: RunSample) => s.totalMs,
  };
  const configs: [string, RunSample[]][] = [
    ['baseline only (1 row)', baselineOnly],
    ['both captions (3 rows)', bothCaptions],
    ['transformers.js generate()', transformersJs],
    ...(withMethods.length ? [[`both captions + ${methods.join(', ')}`, withMethods] as [string, RunSample[]]] : []),
  ];
  console.log(
    `\nprompt: ${result.promptTokens} tokens (${result.imageTokens} image tokens), vocabulary ${result.vocabSize}`,
  );
  console.log(
    `milliseconds, median (IQR) over ${options.rounds} rounds; first tokens and totals include the vision pass`,
  );
  console.log('(ours also include image preprocessing, which generate() gets done once beforehand)');
  console.log(`${cpuWeightsLine(result.cpuWeights)}\n`);
  table([
    ['configuration', ...Object.keys(columns)],
    ...configs.map(([name, samples]) => [name, ...Object.values(columns).map((pick) => cell(of(samples, pick)))]),
  ]);

  const step = of(baselineOnly, columns.step)!;
  const bothStep = of(bothCaptions, columns.step)!;
  const first = of(baselineOnly, columns['first token, all captions'])!;
  const bothFirst = of(bothCaptions, columns['first token, all captions'])!;
  const tjsStep = of(transformersJs, columns.step)!;
  const ratios: [string, number, string, Summary[]][] = [
    ['both captions step / baseline-only step', ratioOfMedians(bothStep, step), '≤ 1.10', [bothStep, step]],
    [
      'both captions first token / baseline-only first token',
      ratioOfMedians(bothFirst, first),
      '≤ 1.15',
      [bothFirst, first],
    ],
    ['our baseline tokens/s / transformers.js tokens/s', ratioOfMedians(tjsStep, step), '≥ 1.20', [tjsStep, step]],
  ];
  console.log(
    '\nratios of medians                                          ratio   goal     spread (IQR/median of the two)',
  );
  for (const [name, ratio, goal, parts] of ratios) {
    const spread = parts.map((s) => `${(100 * relativeSpread(s)).toFixed(0)}%`).join(', ');
    console.log(`${name.padEnd(58)} ${ratio.toFixed(2).padStart(5)}×  ${goal}   ${spread}`);
  }
  console.log(
    `our baseline ${(1000 / step.median).toFixed(2)} tokens/s; transformers.js ${(1000 / tjsStep.median).toFixed(2)} tokens/s`,
  );
  console.log('A ratio is decided only where it lies further from its goal than the spreads above.');
  if (withMethods.length) {
    // A method's rows join the same batched call, so its cost is what the step and prefill grow by, per method.
    const methodStep = of(withMethods, columns.step)!;
    const methodPrefill = of(withMethods, columns.prefill)!;
    const bothPrefill = of(bothCaptions, columns.prefill)!;
    const perMethod = (a: Summary, b: Summary) => ((a.median - b.median) / methods.length).toFixed(1);
    console.log(
      `cost per added method (${methods.join(', ')}; medians): step +${perMethod(methodStep, bothStep)} ms ` +
        `(${ratioOfMedians(methodStep, bothStep).toFixed(2)}× the both-captions step for all ${methods.length}), ` +
        `prefill and branch set-up +${perMethod(methodPrefill, bothPrefill)} ms; spreads ` +
        `${[methodStep, bothStep].map((x) => `${(100 * relativeSpread(x)).toFixed(0)}%`).join(', ')}`,
    );
  }

  const phaseNames: (keyof StepPhases)[] = ['ortRun', 'readback', 'messaging', 'loop', 'combine', 'sampling'];
  console.log(
    '\nper-step breakdown, ms per step, median (IQR) over rounds; combine and sampling are timed apart on the same logits',
  );
  table([
    [
      'configuration',
      'ORT run',
      'read back + taps',
      'messaging',
      'loop (combine, sampling, events)',
      'combine alone',
      'sampling alone',
    ],
    ...configs.slice(0, 2).map(([name, samples]) => [
      name,
      ...phaseNames.map((phase) =>
        phase === 'combine' && samples === baselineOnly
          ? '—'
          : formatSummary(
              of(samples, (s) => s.phases?.[phase])!,
              2,
            ),
      ),
    ]),
  ]);

  // generate() stops at EOS while our loop does not, so the common prefix is compared.
  const { ours, transformersJs: theirs } = result.tokens;
  const agree = theirs.slice(0, ours.length).every((id, i) => id === ours[i]);
  console.log(
    `\ngreedy tokens ${agree ? 'agree' : 'DIFFER'}: ours ${ours.join(' ')} | transformers.js ${theirs.join(' ')}`,
  );
}

function cpuWeightsLine(weights: BenchResult['cpuWeights']): string {
  if (!weights) return 'decoder weights: as in the files (no n-bit MatMuls, or not on the CPU backend)';
  if (weights.expandedMatMuls === 0) return `decoder weights: n-bit, kept packed (${weights.kept.join('; ')})`;
  return (
    `decoder weights: our runs expand ${weights.expandedMatMuls} n-bit MatMuls to fp32 at load ` +
    `(+${(weights.addedBytes / 2 ** 20).toFixed(0)} MiB); generate() runs them packed`
  );
}

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

/** Peak resident set (VmHWM) of a process, from Linux's /proc; undefined elsewhere. */
function peakResident(pid: number): number | undefined {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return undefined;
  const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(status, 'utf8'))?.[1];
  return kib === undefined ? undefined : Number(kib) * 1024;
}

async function processPeaks(page: Page): Promise<Record<'renderer' | 'GPU', number | undefined>> {
  const cdp = await page.context().browser()!.newBrowserCDPSession();
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo' as never)) as {
    processInfo: { type: string; id: number }[];
  };
  // The page's renderer is the one that loaded the model: the largest.
  const peak = (type: string) => {
    const peaks = processInfo.filter((p) => p.type === type).map((p) => peakResident(p.id));
    return peaks.includes(undefined) ? undefined : Math.max(0, ...(peaks as number[]));
  };
  return { renderer: peak('renderer'), GPU: peak('GPU') };
}

async function memoryReport(): Promise<void> {
  console.log('\npeak resident memory (VmHWM) after loading the model and one run, a fresh browser per configuration');
  const MiB = (bytes: number | undefined) =>
    bytes === undefined ? 'unavailable (needs Linux /proc)' : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const configs: [string, CaptionKind[]][] = [
    ['baseline only (1 row)', ['baseline']],
    ['both captions (3 rows)', ['baseline', 'damro']],
  ];
  for (const [name, captions] of configs) {
    const peaks = await withBenchPage({ bench: modelDir }, async (page) => {
      await page.evaluate(
        ([o, c]) =>
          (window as unknown as { benchOneRun: (o: BenchOptions, c: CaptionKind[]) => Promise<void> }).benchOneRun(
            o,
            c,
          ),
        [options, captions] as const,
      );
      return processPeaks(page);
    });
    console.log(`${name.padEnd(24)} renderer ${MiB(peaks.renderer)}, GPU process ${MiB(peaks.GPU)}`);
  }
}
