// The CHAIR synonym table, parsed the way the reference evaluator parses it, quirks included (spec §3.2):
// each line is stripped, then split on ", " exactly, so an entry written after a double space keeps its
// leading space (" motor bike", " cheesecake") and can never match a token; "iPhone" keeps its capital and
// never matches lower-cased text; an empty line contributes the entry "". Later lines win when a word is
// listed twice, as with a Python dict built in file order.

export interface SynonymTable {
  /** Every entry of every line, exactly as split (the reference's `mscoco_objects`). */
  readonly vocabulary: ReadonlySet<string>;
  /** Entry → the first item of its line (the node word). */
  readonly nodeOf: ReadonlyMap<string, string>;
  /** The node words, in file order. */
  readonly nodes: readonly string[];
}

/** Python's str.splitlines boundaries, less the ASCII file/group/record separators no table contains. */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;

export function parseSynonymTable(text: string): SynonymTable {
  const lines = text === '' ? [] : text.split(LINE_BREAK);
  if (LINE_BREAK.test(text.slice(-1))) lines.pop();
  const vocabulary = new Set<string>();
  const nodeOf = new Map<string, string>();
  const nodes: string[] = [];
  for (const line of lines) {
    const entries = line.trim().split(', ');
    const node = entries[0];
    if (node !== '' && !nodes.includes(node)) nodes.push(node);
    for (const entry of entries) {
      vocabulary.add(entry);
      nodeOf.set(entry, node);
    }
  }
  return { vocabulary, nodeOf, nodes };
}
