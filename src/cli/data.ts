// The question lists and CHAIR's scoring data, read from the repository's public/data/ (what the site serves)
// or from the folder --data names (MME's lists, which the project does not ship).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EvalItem, ScoreContext } from '../core/eval/benchmark';
import { benchmarkOf } from '../core/eval/benchmarks';
import { CHAIR_GROUND_TRUTH_FILE, CHAIR_SYNONYMS_FILE, PERCEPTRON_TAGGER_FILE } from '../core/eval/data-files';
import { limitItems, shardItems } from '../core/eval/items';
import { chairLabeller, type CaptionLabeller } from '../core/evidence/run-evidence';
import { createCocoGroundTruthSource } from '../core/labels/coco-source';
import type { EvalRunConfig } from '../core/eval/run-config';
import { createChairExtractor, type ChairExtractor } from '../core/metrics/chair-mentions';
import { parseSynonymTable } from '../core/metrics/chair-synonyms';
import { createLemmatizer } from '../core/text/morphy';
import { createPerceptronTagger, parsePerceptronModel } from '../core/text/perceptron-tagger';
import { wordNetChairLexicon } from '../core/text/wordnet-chair-lexicon';
import { LensError } from '../protocol/errors';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_DATA_DIR = resolve(REPO_ROOT, 'public', 'data');

async function readData(dataDir: string, path: string): Promise<string> {
  try {
    return await readFile(join(dataDir, path), 'utf8');
  } catch {
    throw new LensError(
      'bad-request',
      `Cannot read ${join(dataDir, path)}; pass --data with the folder that holds ${path} (the default, public/data/ in the repository, has the POPE and CHAIR lists; MME's lists come from your own copy of MME).`,
    );
  }
}

export interface RunItems {
  /** The run's questions (after --limit), every shard's included: what a merge must cover. */
  readonly all: readonly EvalItem[];
  /** This shard's questions. */
  readonly mine: readonly EvalItem[];
}

export async function loadItems(config: EvalRunConfig, dataDir: string): Promise<RunItems> {
  const benchmark = benchmarkOf(config.benchmark);
  const paths = benchmark.sources(config.split);
  const files = Object.fromEntries(
    await Promise.all(paths.map(async (path) => [path, await readData(dataDir, path)] as const)),
  );
  const all = limitItems(benchmark.parse(files, config.split), config.limit);
  return { all, mine: shardItems(all, config.shard) };
}

async function chairExtractor(dataDir: string): Promise<ChairExtractor> {
  const synonyms = parseSynonymTable(await readData(dataDir, CHAIR_SYNONYMS_FILE));
  const tagger = createPerceptronTagger(
    parsePerceptronModel(JSON.parse(await readData(dataDir, PERCEPTRON_TAGGER_FILE))),
  );
  return createChairExtractor({ synonyms, tagger, lemmatize: createLemmatizer(wordNetChairLexicon()) });
}

/** CHAIR's word labels against the ground truth of the 500 CHAIR images (recognised by COCO file name). */
export async function chairCaptionLabeller(dataDir: string): Promise<CaptionLabeller> {
  const truth = createCocoGroundTruthSource(
    JSON.parse(await readData(dataDir, CHAIR_GROUND_TRUTH_FILE)) as Record<string, string[]>,
  );
  const extract = await chairExtractor(dataDir);
  return chairLabeller(extract, (image) => truth.resolve({ fileName: image }));
}

/** CHAIR needs the synonym table, the tagger (NLTK's model) and lemmatiser, and the ground truth of the 500 images. */
export async function scoreContext(
  benchmark: string,
  rule: 'damro' | 'official',
  dataDir: string,
): Promise<ScoreContext> {
  if (benchmark !== 'chair') return { popeRule: rule };
  const truth = JSON.parse(await readData(dataDir, CHAIR_GROUND_TRUTH_FILE)) as Record<string, string[]>;
  const extract = await chairExtractor(dataDir);
  return {
    popeRule: rule,
    chair: {
      nodesOf: (caption) => extract(caption).mentions.map((m) => m.node),
      groundTruth: (imageId) => (truth[String(imageId)] ? new Set(truth[String(imageId)]) : undefined),
    },
  };
}
