// CHAIR throughput: 10,000 generated captions (seeded), each tokenised, tagged, lemmatised, matched and
// labelled against the CHAIR ground truth of one of the 500 images, then scored together.
// Run: npm run bench:chair
import { CHAIR_GROUND_TRUTH_FILE, CHAIR_SYNONYMS_FILE, PERCEPTRON_TAGGER_FILE } from '../../src/core/eval/data-files';
import { repoData } from '../support/repo-data';
import { createCocoGroundTruthSource } from '../../src/core/labels/coco-source';
import { labelCaption } from '../../src/core/labels/label';
import { scoreChair } from '../../src/core/metrics/chair';
import { createChairExtractor } from '../../src/core/metrics/chair-mentions';
import { parseSynonymTable } from '../../src/core/metrics/chair-synonyms';
import { createLemmatizer } from '../../src/core/text/morphy';
import { createPerceptronTagger, parsePerceptronModel } from '../../src/core/text/perceptron-tagger';
import { wordNetChairLexicon } from '../../src/core/text/wordnet-chair-lexicon';

const CAPTIONS = 10_000;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// CPU time too: on a shared machine the wall clock also counts other processes' turns.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const t00 = performance.now();
const taggerJson = repoData(PERCEPTRON_TAGGER_FILE);
const t01 = performance.now();
const c01 = cpuMs();
const tagger = createPerceptronTagger(parsePerceptronModel(JSON.parse(taggerJson)));
const taggerMs = performance.now() - t01;
const taggerCpu = cpuMs() - c01;
const readMs = t01 - t00;

const t0 = performance.now();
const synonyms = parseSynonymTable(repoData(CHAIR_SYNONYMS_FILE));
const gt: Record<string, string[]> = JSON.parse(repoData(CHAIR_GROUND_TRUTH_FILE));
const extract = createChairExtractor({ synonyms, tagger, lemmatize: createLemmatizer(wordNetChairLexicon()) });
const coco = createCocoGroundTruthSource(gt);
const setupMs = performance.now() - t0;

const random = mulberry32(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const objects = [...synonyms.vocabulary].filter((w) => /^[a-z]+( [a-z]+)?$/.test(w));
const plural = (w: string) =>
  w.endsWith('s') || w.endsWith('x') ? `${w}es` : w.endsWith('y') ? `${w.slice(0, -1)}ies` : `${w}s`;
const adjectives = ['large', 'small', 'red', 'wooden', 'orange', 'white', 'old', 'busy'];
const verbs = ['sits on', 'stands next to', 'is parked near', 'is seated beside', 'lies under', 'is skiing past'];
const places = ['in a kitchen', 'on a street', 'in a park', 'at the beach', 'in a living room', 'on a snowy hill'];
const noun = () => (random() < 0.3 ? `two ${plural(pick(objects))}` : `a ${pick(adjectives)} ${pick(objects)}`);
const ids = Object.keys(gt);
const items = Array.from({ length: CAPTIONS }, () => ({
  id: pick(ids),
  caption: `The image shows ${noun()} that ${pick(verbs)} ${noun()} ${pick(places)}, with ${noun()} and ${noun()} in the background.`,
}));

const t1 = performance.now();
const c1 = cpuMs();
const samples = [];
for (const { id, caption } of items) {
  const truth = coco.resolve({ cocoId: id });
  if (!truth) throw new Error(`no ground truth for ${id}`);
  const labels = labelCaption(extract(caption), truth);
  samples.push({
    nodes: labels.labels.flatMap((l) => (l.kind === 'unverifiable' || l.kind === 'unchecked' ? [] : [l.mention.node])),
    groundTruth: new Set(truth.objects.keys()),
  });
}
const scores = scoreChair(samples);
const ms = performance.now() - t1;
const cpu = cpuMs() - c1;

console.log(
  `tagger model: ${(taggerJson.length / 1e6).toFixed(2)} MB read in ${readMs.toFixed(0)} ms, parsed and indexed in ${taggerMs.toFixed(0)} ms (${taggerCpu.toFixed(0)} ms CPU)`,
);
console.log(`setup (synonyms, WordNet subset): ${setupMs.toFixed(0)} ms`);
console.log(
  `${CAPTIONS} captions (avg ${(items.reduce((s, i) => s + i.caption.length, 0) / CAPTIONS).toFixed(0)} chars) labelled and scored in ${ms.toFixed(0)} ms (${cpu.toFixed(0)} ms CPU): ${Math.round((CAPTIONS / ms) * 1000)} captions/s`,
);
console.log(
  `CHAIR_s ${(scores.chairS * 100).toFixed(1)}  CHAIR_i ${(scores.chairI * 100).toFixed(1)}  recall ${(scores.recall * 100).toFixed(1)}  (${scores.mentions} mentions)`,
);
