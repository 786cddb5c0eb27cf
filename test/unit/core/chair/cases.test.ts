// The data-driven CHAIR table (test/cases/chair.jsonc): mentions with their exact original characters and
// node words, and hallucinated node words when a ground truth is given.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chairSetup, parseJsonc } from './setup';

type Pair = [text: string, node: string];
interface Case {
  caption: string;
  mentions: Pair[];
  gt?: string[];
  hallucinated?: string[];
  why: string;
}

const table = parseJsonc(readFileSync(new URL('../../../cases/chair.jsonc', import.meta.url), 'utf8')) as {
  _example: Case;
  cases: Case[];
};
const { extract } = chairSetup();

function produced(caption: string): Pair[] {
  return extract(caption).mentions.map((m) => [caption.slice(m.start, m.end), m.node]);
}

describe('CHAIR case table', () => {
  it('has at least 60 cases and documents its format', () => {
    expect(table.cases.length).toBeGreaterThanOrEqual(60);
    expect(produced(table._example.caption)).toEqual(table._example.mentions);
  });

  it.each(table.cases.map((c) => [c.caption, c] as const))('%s', (_caption, c) => {
    const got = produced(c.caption);
    expect(got).toEqual(c.mentions);
    if (c.gt) {
      const truth = new Set(c.gt);
      expect(got.map(([, node]) => node).filter((n) => !truth.has(n))).toEqual(c.hallucinated);
    }
  });
});
