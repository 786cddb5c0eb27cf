// Loads the caption labeller after first paint: the CHAIR data the site serves (public/data/) and the wink-nlp
// tagger, whose model is about 1 MB gzipped and therefore comes in its own chunk (dynamic import).
import { CHAIR_GROUND_TRUTH_FILE, CHAIR_SYNONYMS_FILE } from '../core/eval/data-files';
import { createLabelResources } from '../core/labels/resources';
import { labellerFailed, labellerReady } from '../state/label-actions';

async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
  return response;
}

export async function loadLabeller(siteRoot: URL): Promise<void> {
  try {
    const [synonymsText, chairGt, { createWinkTagger }, { wordNetChairLexicon }] = await Promise.all([
      fetchOk(new URL(`data/${CHAIR_SYNONYMS_FILE}`, siteRoot)).then((r) => r.text()),
      fetchOk(new URL(`data/${CHAIR_GROUND_TRUTH_FILE}`, siteRoot)).then((r) => r.json() as Promise<Record<string, string[]>>),
      import('../core/text/wink-tagger'),
      import('../core/text/wordnet-chair-lexicon'),
    ]);
    labellerReady(createLabelResources({ synonymsText, chairGt, tagger: createWinkTagger(), lexicon: wordNetChairLexicon() }));
  } catch (error) {
    labellerFailed(`The caption labeller could not load (${error instanceof Error ? error.message : String(error)}); object words stay unmarked. Reload the page to try again.`);
  }
}
