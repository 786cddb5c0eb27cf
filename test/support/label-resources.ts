// The caption labeller's resources as the site builds them, from the files the project ships in public/data/.
import { CHAIR_GROUND_TRUTH_FILE, CHAIR_SYNONYMS_FILE, PERCEPTRON_TAGGER_FILE } from '../../src/core/eval/data-files';
import { createLabelResources, type LabelResources } from '../../src/core/labels/resources';
import { createPerceptronTagger, parsePerceptronModel } from '../../src/core/text/perceptron-tagger';
import { wordNetChairLexicon } from '../../src/core/text/wordnet-chair-lexicon';
import { repoData } from './repo-data';

/** `chairGt` replaces the COCO ground truth of the 500 CHAIR images when a test needs its own. */
export function shippedLabelResources(
  chairGt: Record<string, string[]> = JSON.parse(repoData(CHAIR_GROUND_TRUTH_FILE)),
): LabelResources {
  const tagger = createPerceptronTagger(parsePerceptronModel(JSON.parse(repoData(PERCEPTRON_TAGGER_FILE))));
  return createLabelResources({
    synonymsText: repoData(CHAIR_SYNONYMS_FILE),
    chairGt,
    tagger,
    lexicon: wordNetChairLexicon(),
  });
}
