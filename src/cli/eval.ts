// `npm run eval -- pope|chair|mme ...` runs a benchmark over a folder of images with the same engine code as
// the site (in this process on ORT wasm, or the production worker in headless Chromium on WebGPU) and writes
// reference-format answers that resume after a stop; `npm run eval -- merge` joins shard folders and scores.
import { benchmarkOf } from '../core/eval/benchmarks';
import { driveEval } from '../core/eval/driver';
import { locateImages } from '../core/eval/images';
import { mergeAnswers } from '../core/eval/answers';
import { formatDuration } from '../core/eval/progress';
import { checkSameRun, runName } from '../core/eval/run-config';
import { loadedAsRequested, loadedDtypeLabel } from '../core/models/loaded-dtype';
import { LensError } from '../protocol/errors';
import { parseCommand, USAGE, type MergeCommand, type RunCommand } from './args';
import { chromiumEvalEngine } from './chromium-engine';
import { DEFAULT_DATA_DIR, loadItems, scoreContext } from './data';
import { listFolder, readImage } from './images';
import { nodeEvalEngine, type HostedEngine } from './node-engine';
import { formatSummary, writeResults } from './report';
import { openShardFolder, readFolderAnswers, readRunConfig } from './shard-folder';

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Called with a function that stops the run (Ctrl-C in the terminal). */
  readonly onInterrupt?: (stop: () => void) => void;
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
    const list = (what: string, names: readonly string[]) => (names.length ? `${names.length} ${what} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})` : '');
    throw new LensError('bad-request', `The image folder ${command.images} lacks images of this run: ${[list('missing', lookup.missing), list('ambiguous', lookup.ambiguous)].filter(Boolean).join('; ')}.`);
  }
  const folder = await openShardFolder(command.out, config, items.mine);
  const label = `${runName(config)}${config.shard ? ` shard ${config.shard.index}/${config.shard.count}` : ''}`;
  io.err(`${label}: ${items.mine.length} questions (${folder.answered.size} already answered) → ${command.out}`);
  const hosted = await ENGINES[command.backend](command);
  await folder.recordLoaded(hosted.info);
  if (!loadedAsRequested(config.dtype, hosted.info.sessionDtypes)) io.err(`${label}: loaded ${loadedDtypeLabel(config.dtype, hosted.info.sessionDtypes)}.`);
  const jobId = 1;
  let stopped = false;
  io.onInterrupt?.(() => {
    stopped = true;
    void hosted.engine.cancel(jobId);
  });
  let outcome;
  try {
    if (hosted.info.synthetic) io.err(`${hosted.info.id} is a synthetic model with random weights: its answers mean nothing.`);
    outcome = await driveEval(
      { items: items.mine, answered: new Set(folder.answered.keys()), imagePaths: lookup.paths, settings: config.settings, jobId },
      {
        engine: hosted.engine,
        readImage: (path) => readImage(command.images, path),
        save: (answers) => folder.append(answers),
        onProgress: (p) => io.err(`${label}: ${p.done}/${p.total} (${(100 * p.fraction).toFixed(1)}%)${p.etaMs === undefined ? '' : `, ${formatDuration(p.etaMs)} left`}`),
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
    io.out(`${label}: done. Merge the ${config.shard.count} shard folders with: npm run eval -- merge --out DIR ${command.out} ...`);
    return 0;
  }
  return report(command.out, [command.out], command.rule, dataDir, io);
}

async function report(out: string, shards: readonly string[], rule: MergeCommand['rule'], dataDir: string, io: Io): Promise<number> {
  const configs = await Promise.all(shards.map(readRunConfig));
  configs.forEach((c, i) => checkSameRun(configs[0], c, shards[i]));
  const config = { ...configs[0], shard: undefined };
  const items = await loadItems(config, dataDir);
  const answers = await Promise.all(shards.map(async (dir, i) => ({ name: dir, answers: await readFolderAnswers(dir, configs[i]) })));
  const outputs = mergeAnswers(items.all, answers);
  const summary = await writeResults(out, config, items.all, outputs, await scoreContext(config.benchmark, rule, dataDir));
  io.out(formatSummary(summary));
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
    if (command.kind === 'merge') return await report(command.out, command.shards, command.rule, command.data ?? DEFAULT_DATA_DIR, io);
    return await run(command, io);
  } catch (error) {
    if (!(error instanceof LensError)) throw error;
    io.err(`eval: ${error.message}`);
    if (error.code === 'bad-request' && /--|argument|option/i.test(error.message)) io.err(USAGE);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const code = await main(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    onInterrupt: (stop) => process.once('SIGINT', stop),
  });
  process.exit(code);
}
