// The simple matcher: a caption word or two-word phrase matches an object when their singular forms agree
// ("dogs" = "dog", "knives" = "knife", "people" = "person"). A match with the person's ground-truth list is
// grounded; a COCO object outside the list is hallucinated; with no list at all every COCO object is
// unverifiable. No synonyms and no part-of-speech tagging: that is the CHAIR labeller's job.
import { COCO_OBJECTS } from './coco-objects';
import type { ObjectMatcher, ObjectWordLabel } from './matcher';

const IRREGULAR: Readonly<Record<string, string>> = {
  people: 'person', men: 'man', women: 'woman', children: 'child', mice: 'mouse', knives: 'knife',
  skis: 'skis', scissors: 'scissors', geese: 'goose', teeth: 'tooth', feet: 'foot', sheep: 'sheep',
};

/** Candidate singular forms of a lower-case word, the word itself first. */
function singulars(word: string): string[] {
  const irregular = IRREGULAR[word];
  if (irregular) return [irregular];
  const forms = [word];
  if (word.endsWith('ies') && word.length > 4) forms.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es') && word.length > 3) forms.push(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 2) forms.push(word.slice(0, -1));
  return forms;
}

interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

function words(caption: string): Word[] {
  return Array.from(caption.matchAll(/[\p{L}]+/gu), (m) => ({ text: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length }));
}

/** The object a phrase names in `known` (normalised form → listed form), trying every singular reading. */
function lookup(phrase: readonly Word[], known: ReadonlyMap<string, string>): string | undefined {
  const head = phrase.slice(0, -1).map((w) => w.text);
  for (const last of singulars(phrase[phrase.length - 1].text)) {
    const hit = known.get([...head, last].join(' '));
    if (hit) return hit;
  }
  return undefined;
}

/** Every singular reading of each entry → the entry, so "dogs" in a list also matches "dog" in a caption. */
function index(entries: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase().split(/\s+/).join(' ');
    if (!entry) continue;
    const parts = entry.split(' ');
    for (const last of singulars(parts[parts.length - 1])) map.set([...parts.slice(0, -1), last].join(' '), entry);
  }
  return map;
}

const COCO = index(COCO_OBJECTS);

export const simpleObjectMatcher: ObjectMatcher = {
  label(caption, groundTruth) {
    const truth = index(groundTruth);
    const list = words(caption);
    const labels: ObjectWordLabel[] = [];
    for (let i = 0; i < list.length; ) {
      // Two-word phrases first, so "hot dog" is one object and not a dog.
      const phrases = i + 1 < list.length ? [list.slice(i, i + 2), [list[i]]] : [[list[i]]];
      const matched = phrases.map((phrase) => ({ phrase, truth: lookup(phrase, truth), coco: lookup(phrase, COCO) })).find((m) => m.truth ?? m.coco);
      if (!matched) {
        i += 1;
        continue;
      }
      const { phrase } = matched;
      const span = { start: phrase[0].start, end: phrase[phrase.length - 1].end };
      if (matched.truth) labels.push({ kind: 'grounded', ...span, object: matched.truth });
      else labels.push({ kind: groundTruth.length ? 'hallucinated' : 'unverifiable', ...span, object: matched.coco as string });
      i += phrase.length;
    }
    return labels;
  },
};
