// A tokeniser that reproduces NLTK's word_tokenize (Punkt sentence split + the Treebank-style word rules) on
// English captions, and keeps each token's [start, end) character span in the ORIGINAL string so a UI can
// colour exactly those characters. Written from the published rules, as a left-to-right scanner over
// whitespace-separated chunks instead of regex rewriting, because rewriting loses positions.
//
// Known differences from NLTK, all outside ordinary captions: Punkt's learned abbreviation list is replaced by
// a short fixed list (a period inside a text is split off unless the word is one of those or contains another
// period); the rarely seen contractions "'tis", "'twas", "d'ye" and "more'n" are not split.

export interface Token {
  /** Lower-cased token text as NLTK would emit it (quotes normalised to `` and ''). */
  readonly text: string;
  /** Span in the original string, [start, end). */
  readonly start: number;
  readonly end: number;
}

const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'st',
  'jr',
  'sr',
  'vs',
  'etc',
  'inc',
  'ltd',
  'co',
  'mt',
  'ft',
  'no',
  'prof',
  'gen',
  'col',
  'lt',
  'sgt',
  'capt',
  'ave',
  'rd',
  'blvd',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
]);
const OPENERS = new Set(['(', '[', '{', '<']);
const CLOSERS = new Set([')', ']', '}', '>']);
/** Characters NLTK always pads with spaces, wherever they occur. */
const ALWAYS_SPLIT = new Set([
  ';',
  '@',
  '#',
  '$',
  '%',
  '&',
  '?',
  '!',
  '*',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '<',
  '>',
  '«',
  '“',
  '‘',
  '„',
  '»',
  '”',
  '’',
]);
const CLITICS = ["n't", "'ll", "'re", "'ve", "'s", "'m", "'d", "'"];
const SPLIT_WORDS: ReadonlyArray<readonly [string, number]> = [
  ['cannot', 3],
  ['gonna', 3],
  ['gotta', 3],
  ['wanna', 3],
  ['gimme', 3],
  ['lemme', 3],
];

/** Lower-cases character by character, keeping a character whose lower case would change the length. */
export function lowerKeepingLength(text: string): string {
  const fast = text.toLowerCase();
  // Lower-casing never shortens a character, so an unchanged total length means no character changed length.
  if (fast.length === text.length) return fast;
  let out = '';
  for (const ch of text) {
    const low = ch.toLowerCase();
    out += low.length === ch.length ? low : ch;
  }
  return out;
}

export function tokenize(original: string): Token[] {
  const text = lowerKeepingLength(original);
  const tokens: Token[] = [];
  const textEnd = text.trimEnd().length;
  const chunk = /\S+/g;
  for (let m = chunk.exec(text); m; m = chunk.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    splitChunk(text, start, end, end === textEnd, tokens);
  }
  return tokens;
}

function push(out: Token[], text: string, start: number, end: number, shown?: string): void {
  if (end > start) out.push({ text: shown ?? text.slice(start, end), start, end });
}

function splitChunk(text: string, start: number, end: number, atTextEnd: boolean, out: Token[]): void {
  let s = start;
  let e = end;
  const head: Token[] = [];
  const tail: Token[] = [];
  // Leading quotes and brackets.
  for (;;) {
    if (text[s] === '"') {
      push(head, text, s, s + 1, '``');
      s++;
      continue;
    }
    if (text.startsWith('``', s)) {
      push(head, text, s, s + 2);
      s += 2;
      continue;
    }
    if (s < e && OPENERS.has(text[s])) {
      push(head, text, s, s + 1);
      s++;
      continue;
    }
    break;
  }
  // Trailing punctuation, collected right to left.
  for (;;) {
    if (e <= s) break;
    const last = text[e - 1];
    if (last === '"') {
      tail.push({ text: "''", start: e - 1, end: e });
      e--;
      continue;
    }
    if (text.startsWith("''", e - 2) && e - 2 >= s) {
      tail.push({ text: "''", start: e - 2, end: e });
      e -= 2;
      continue;
    }
    if (CLOSERS.has(last) || last === '?' || last === '!' || last === ',' || last === ':' || last === ';') {
      tail.push({ text: last, start: e - 1, end: e });
      e--;
      continue;
    }
    if (last === '.') {
      let dots = e;
      while (dots > s && text[dots - 1] === '.') dots--;
      if (e - dots >= 2) {
        tail.push({ text: text.slice(dots, e), start: dots, end: e });
        e = dots;
        continue;
      }
      if (e - 1 > s && periodEndsSentence(text.slice(s, e - 1), atTextEnd && tail.every((t) => t.text !== '.'))) {
        tail.push({ text: '.', start: e - 1, end: e });
        e--;
        continue;
      }
    }
    break;
  }
  out.push(...head);
  splitInner(text, s, e, out);
  for (let i = tail.length - 1; i >= 0; i--) out.push(tail[i]);
}

function periodEndsSentence(word: string, atTextEnd: boolean): boolean {
  if (atTextEnd) return true;
  return !word.includes('.') && !ABBREVIATIONS.has(word) && !/^[a-z]$/.test(word);
}

function splitInner(text: string, start: number, end: number, out: Token[]): void {
  let pieceStart = start;
  let i = start;
  while (i < end) {
    const ch = text[i];
    const next = text[i + 1];
    let width = 0;
    if (ALWAYS_SPLIT.has(ch)) width = 1;
    else if ((ch === ',' || ch === ':') && (i + 1 >= end || !/\d/.test(next))) width = 1;
    else if (ch === '-' && next === '-') width = 2;
    else if (ch === '.' && next === '.') {
      width = 2;
      while (i + width < end && text[i + width] === '.') width++;
    }
    if (width === 0) {
      i++;
      continue;
    }
    splitWord(text, pieceStart, i, out);
    push(out, text, i, i + width);
    i += width;
    pieceStart = i;
  }
  splitWord(text, pieceStart, end, out);
}

function splitWord(text: string, start: number, end: number, out: Token[]): void {
  if (end <= start) return;
  const word = text.slice(start, end);
  for (const [whole, cut] of SPLIT_WORDS) {
    if (word === whole) {
      push(out, text, start, start + cut);
      push(out, text, start + cut, end);
      return;
    }
  }
  for (const clitic of CLITICS) {
    if (word.length > clitic.length && word.endsWith(clitic)) {
      const cut = end - clitic.length;
      const before = text[cut - 1];
      if (before === "'") continue;
      push(out, text, start, cut);
      push(out, text, cut, end);
      return;
    }
  }
  push(out, text, start, end);
}
