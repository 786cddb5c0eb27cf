// Loads the caption labeller the first time labels are needed (see main.tsx and eval-wiring.ts): the CHAIR data
// the site serves (public/data/), including the part-of-speech model (NLTK's, 3.1 MB of JSON, 1.2 MB gzipped);
// the tagger code and the WordNet subset come in their own chunks (dynamic import).
import { CHAIR_GROUND_TRUTH_FILE, CHAIR_SYNONYMS_FILE, PERCEPTRON_TAGGER_FILE } from '../core/eval/data-files';
import { createLabelResources } from '../core/labels/resources';
import type { PerceptronModelFile } from '../core/text/perceptron-tagger';
import { labellerFailed, labellerReady } from '../state/label-actions';

async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
  return response;
}

let loading: Promise<void> | undefined;

/** Starts loading the labeller once; every later call waits for that same load. */
export function ensureLabeller(siteRoot: URL): Promise<void> {
  loading ??= loadLabeller(siteRoot);
  return loading;
}

async function loadLabeller(siteRoot: URL): Promise<void> {
  try {
    const [
      synonymsText,
      chairGt,
      taggerModel,
      { createPerceptronTagger, parsePerceptronModel },
      { wordNetChairLexicon },
    ] = await Promise.all([
      fetchOk(new URL(`data/${CHAIR_SYNONYMS_FILE}`, siteRoot)).then((r) => r.text()),
      fetchOk(new URL(`data/${CHAIR_GROUND_TRUTH_FILE}`, siteRoot)).then(
        (r) => r.json() as Promise<Record<string, string[]>>,
      ),
      fetchOk(new URL(`data/${PERCEPTRON_TAGGER_FILE}`, siteRoot)).then(
        (r) => r.json() as Promise<PerceptronModelFile>,
      ),
      import('../core/text/perceptron-tagger'),
      import('../core/text/wordnet-chair-lexicon'),
    ]);
    labellerReady(
      createLabelResources({
        synonymsText,
        chairGt,
        tagger: createPerceptronTagger(parsePerceptronModel(taggerModel)),
        lexicon: wordNetChairLexicon(),
      }),
    );
  } catch (error) {
    labellerFailed(
      `The caption labeller could not load (${error instanceof Error ? error.message : String(error)}); object words stay unmarked. Reload the page to try again.`,
    );
  }
}
