// One CHAIR extractor for the chair tests: the real synonym table (public/data/), NLTK's tagger model as the site
// serves it (public/data/) and the shipped WordNet subset.
import {
  CHAIR_GROUND_TRUTH_FILE,
  CHAIR_SYNONYMS_FILE,
  PERCEPTRON_TAGGER_FILE,
} from '../../../../src/core/eval/data-files';
import { repoData } from '../../../support/repo-data';
import { createChairExtractor, type ChairExtractor } from '../../../../src/core/metrics/chair-mentions';
import { parseSynonymTable, type SynonymTable } from '../../../../src/core/metrics/chair-synonyms';
import { createLemmatizer } from '../../../../src/core/text/morphy';
import {
  createPerceptronTagger,
  parsePerceptronModel,
  type PerceptronModel,
} from '../../../../src/core/text/perceptron-tagger';
import { wordNetChairLexicon } from '../../../../src/core/text/wordnet-chair-lexicon';

export const SYNONYMS_TEXT = repoData(CHAIR_SYNONYMS_FILE);
export const CHAIR_GT: Record<string, string[]> = JSON.parse(repoData(CHAIR_GROUND_TRUTH_FILE));

let model: PerceptronModel | undefined;

export function perceptronModel(): PerceptronModel {
  model ??= parsePerceptronModel(JSON.parse(repoData(PERCEPTRON_TAGGER_FILE)));
  return model;
}

let cached: { synonyms: SynonymTable; extract: ChairExtractor } | undefined;

export function chairSetup(): { synonyms: SynonymTable; extract: ChairExtractor } {
  if (!cached) {
    const synonyms = parseSynonymTable(SYNONYMS_TEXT);
    cached = {
      synonyms,
      extract: createChairExtractor({
        synonyms,
        tagger: createPerceptronTagger(perceptronModel()),
        lemmatize: createLemmatizer(wordNetChairLexicon()),
      }),
    };
  }
  return cached;
}

/** JSON with // line comments (outside strings) removed. */
export function parseJsonc(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i];
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      out += ch;
    }
  }
  return JSON.parse(out);
}
