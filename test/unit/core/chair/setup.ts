// One CHAIR extractor for the chair tests: the real synonym table from shared/data, the wink-nlp tagger and
// the shipped WordNet subset.
import { readFileSync } from 'node:fs';
import { createChairExtractor, type ChairExtractor } from '../../../../src/core/metrics/chair-mentions';
import { parseSynonymTable, type SynonymTable } from '../../../../src/core/metrics/chair-synonyms';
import { createLemmatizer } from '../../../../src/core/text/morphy';
import { createWinkTagger } from '../../../../src/core/text/wink-tagger';
import { wordNetChairLexicon } from '../../../../src/core/text/wordnet-chair-lexicon';

export const SHARED = new URL('../../../../../shared/data/', import.meta.url);
export const SYNONYMS_TEXT = readFileSync(new URL('LisaAnne__Hallucination/data/synonyms.txt', SHARED), 'utf8');
export const CHAIR_GT: Record<string, string[]> = JSON.parse(readFileSync(new URL('coder-gx__DAMRO/derived/chair_gt_objects_500.json', SHARED), 'utf8'));

let cached: { synonyms: SynonymTable; extract: ChairExtractor } | undefined;

export function chairSetup(): { synonyms: SynonymTable; extract: ChairExtractor } {
  if (!cached) {
    const synonyms = parseSynonymTable(SYNONYMS_TEXT);
    cached = { synonyms, extract: createChairExtractor({ synonyms, tagger: createWinkTagger(), lemmatize: createLemmatizer(wordNetChairLexicon()) }) };
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
