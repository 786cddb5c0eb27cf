// Writes what test/tools/check-chair-cases.py needs to score test/cases/chair.jsonc with NLTK 3.8 itself: the
// synonym table and two-word phrases as the port reads them, and the node words the port produces per case.
// Run: npx tsx test/tools/dump-chair-cases.ts /tmp/chair-cases.json
import { readFileSync, writeFileSync } from 'node:fs';
import { CHAIR_DOUBLE_WORDS } from '../../src/core/metrics/chair-double-words';
import { chairSetup, parseJsonc } from '../unit/core/chair/setup';

const { synonyms, extract } = chairSetup();
const table = parseJsonc(readFileSync(new URL('../cases/chair.jsonc', import.meta.url), 'utf8')) as {
  cases: { caption: string }[];
};
writeFileSync(
  process.argv[2],
  JSON.stringify({
    double: Object.fromEntries(CHAIR_DOUBLE_WORDS),
    nodeOf: Object.fromEntries(synonyms.nodeOf),
    cases: table.cases.map((c) => ({ caption: c.caption, port: extract(c.caption).mentions.map((m) => m.node) })),
  }),
);
