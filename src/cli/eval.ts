// `npm run eval -- pope|chair|mme|gpt4v ...` runs a benchmark over a folder of images with the same engine code
// as the site (in this process on ORT wasm, or the production worker in headless Chromium on WebGPU) and writes
// reference-format answers that resume after a stop; `npm run eval -- merge` joins shard folders and scores.
// gpt4v then has a judge model score each item's two answers (judge-folder.ts), once the person agreed (--yes).
import { benchmarkOf } from '../core/eval/benchmarks';
import { driveEval } from '../core/eval/driver';
import { locateImages } from '../core/eval/images';
import { mergeAnswers } from '../core/eval/answers';
import { runMethods } from '../core/eval/benchmark';
import { positionLimitNote } from '../core/eval/position-limit';
import { formatDuration } from '../core/eval/progress';
import { checkSameRun, runName } from '../core/eval/run-config';
import { loadedAsRequested, loadedDtypeLabel } from '../core/models/loaded-dtype';
import { LensError } from '../protocol/errors';
import { parseCommand, USAGE, type JudgeOptions, type MergeCommand, type RunCommand } from './args';
import { chromiumEvalEngine } from './chromium-engine';
import { evidenceCommand } from './evidence';
import { DEFAULT_DATA_DIR, loadItems, scoreContext } from './data';
import { listFolder, readImage, refuseBmpForNode } from './images';
import { judgeFolder, judgePlan } from './judge-folder';
import { nodeEvalEngine, type HostedEngine } from './node-engine';
import { formatGpt4vTable, formatSummary, writeResults } from './report';
import { openShardFolder, readFolderAnswers, readRunConfig } from './shard-folder';

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Called with a function that stops the run (Ctrl-C in the terminal). */
  readonly onInterrupt?: (stop: () => void) => void;
  /** Where JUDGE_API_KEY is read from (process.env in the terminal). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The judge of a gpt4v report, with the image folder it sends from. */
interface JudgeSetup {
  readonly options: JudgeOptions;
  readonly images: string;
}

const ENGINES: Readonly<Record<RunCommand['backend'], (command: RunCommand) => Promise<HostedEngine>>> = {
  node: (c) => nodeEvalEngine(c.config.modelId, c.config.dtype, c.config.clsScorer),
  chromium: (c) => chromiumEvalEngine(c.config.modelId, c.config.dtype, c.config.clsScorer),
};

async function run(command: RunCommand, io: Io): Promise<number> {
  const { config } = command;
  const dataDir = command.data ?? DEFAULT_DATA_DIR;
  const items = await loadItems(config, dataDir);
  const lookup = locateImages(items.mine, await listFolder(command.images));
  if (lookup.missing.length || lookup.ambiguous.length) {
    const list = (what: string, names: readonly string[]) =>
      names.length ? `${names.length} ${what} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})` : '';
    throw new LensError(
      'bad-request',
      `The image folder ${command.images} lacks images of this run: ${[list('missing', lookup.missing), list('ambiguous', lookup.ambiguous)].filter(Boolean).join('; ')}.`,
    );
  }
  if (command.backend === 'node') await refuseBmpForNode(command.images, lookup.paths.values());
  const folder = await openShardFolder(command.out, config, items.mine);
  for (const where of folder.repaired)
    io.err(`${where} was half-written (the run stopped mid-write); it is dropped and its question asked again.`);
  // Asked before the answers are generated, so that a run that may not send stops before its long part.
  const judging = command.judge && !(config.shard && config.shard.count > 1);
  if (judging) await judgePlan(command.out, items.mine, command.judge!);
  const label = `${runName(config)}${config.shard ? ` shard ${config.shard.index}/${config.shard.count}` : ''}`;
  io.err(`${label}: ${items.mine.length} questions (${folder.answered.size} already answered) → ${command.out}`);
  const hosted = await ENGINES[command.backend](command);
  await folder.recordLoaded(hosted.info);
  if (!loadedAsRequested(config.dtype, hosted.info.sessionDtypes))
    io.err(`${label}: loaded ${loadedDtypeLabel(config.dtype, hosted.info.sessionDtypes)}.`);
  const jobId = 1;
  let stopped = false;
  io.onInterrupt?.(() => {
    stopped = true;
    void hosted.engine.cancel(jobId);
  });
  let outcome;
  try {
    if (hosted.info.synthetic)
      io.err(`${hosted.info.id} is a synthetic model with random weights: its answers mean nothing.`);
    const { decoder, tokenGrid } = hosted.info;
    const limitNote = positionLimitNote(
      config.settings.maxNewTokens,
      decoder.maxPositions,
      tokenGrid.rows * tokenGrid.cols,
    );
    if (limitNote) io.err(`note: ${limitNote}`);
    outcome = await driveEval(
      // Captions are what the evidence is about: CHAIR runs record it with every answer.
      {
        items: items.mine,
        answered: new Set(folder.answered.keys()),
        imagePaths: lookup.paths,
        settings: config.settings,
        jobId,
        evidence: config.benchmark === 'chair',
      },
      {
        engine: hosted.engine,
        readImage: (path) => readImage(command.images, path),
        save: (answers) => folder.append(answers),
        onProgress: (p) =>
          io.err(
            `${label}: ${p.done}/${p.total} (${(100 * p.fraction).toFixed(1)}%)${p.etaMs === undefined ? '' : `, ${formatDuration(p.etaMs)} left`}`,
          ),
        now: () => performance.now(),
      },
      { shouldPause: () => false, isCancelled: () => stopped },
    );
  } finally {
    await hosted.close();
  }
  if (outcome !== 'complete') {
    io.err(`${label}: stopped; run the same command again to resume.`);
    return 130;
  }
  if (config.shard && config.shard.count > 1) {
    io.out(
      `${label}: done. Merge the ${config.shard.count} shard folders with: npm run eval -- merge --out DIR ${command.out} ...`,
    );
    return 0;
  }
  return report(
    command.out,
    [command.out],
    command.rule,
    dataDir,
    io,
    command.judge && { options: command.judge, images: command.images },
  );
}

async function report(
  out: string,
  shards: readonly string[],
  rule: MergeCommand['rule'],
  dataDir: string,
  io: Io,
  judge?: JudgeSetup,
): Promise<number> {
  const configs = await Promise.all(shards.map(readRunConfig));
  configs.forEach((c, i) => checkSameRun(configs[0], c, shards[i]));
  const config = { ...configs[0], shard: undefined };
  const items = await loadItems(config, dataDir);
  const answers = await Promise.all(
    shards.map(async (dir, i) => ({ name: dir, answers: await readFolderAnswers(dir, configs[i]) })),
  );
  const outputs = mergeAnswers(items.all, answers, runMethods(config.settings.methods));
  let judgements;
  if (config.benchmark === 'gpt4v') {
    if (!judge)
      throw new LensError(
        'bad-request',
        'Merging gpt4v shards judges the answers: pass --images DIR --judge-url URL --judge-model NAME.',
      );
    const lookup = locateImages(items.all, await listFolder(judge.images));
    if (lookup.missing.length)
      throw new LensError(
        'bad-request',
        `The image folder ${judge.images} lacks ${lookup.missing.length} image(s) of this run (e.g. ${lookup.missing[0]}).`,
      );
    judgements = await judgeFolder({
      dir: out,
      imagesDir: judge.images,
      imagePaths: lookup.paths,
      items: items.all,
      outputs,
      judge: judge.options,
      apiKey: io.env?.JUDGE_API_KEY ?? '',
      log: io.err,
      onInterrupt: io.onInterrupt,
    });
    if (!judgements) {
      io.err('gpt4v: judging stopped; run the same command again to resume it.');
      return 130;
    }
  }
  const summary = await writeResults(out, config, items.all, outputs, {
    ...(await scoreContext(config.benchmark, rule, dataDir)),
    judgements,
  });
  io.out(formatSummary(summary));
  if (config.benchmark === 'gpt4v') io.out(formatGpt4vTable(summary, config.modelId));
  io.out(`answers (${benchmarkOf(config.benchmark).label} reference format), metrics.json: ${out}`);
  return 0;
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const command = parseCommand(argv);
    if (command.kind === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (command.kind === 'evidence') return await evidenceCommand(command, io.out);
    if (command.kind === 'merge') {
      const judge = command.judge && command.images ? { options: command.judge, images: command.images } : undefined;
      return await report(command.out, command.shards, command.rule, command.data ?? DEFAULT_DATA_DIR, io, judge);
    }
    return await run(command, io);
  } catch (thrown) {
    // Every error the engine, the data readers and the argument parser raise is a LensError; anything else is a bug.
    if (!(thrown instanceof LensError)) {
      io.err(
        `eval: internal error, please report it: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`,
      );
      return 1;
    }
    io.err(`eval: ${thrown.message}`);
    if (thrown.code === 'bad-arguments') io.err(USAGE);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const code = await main(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    onInterrupt: (stop) => process.once('SIGINT', stop),
    env: process.env,
  });
  process.exit(code);
}
