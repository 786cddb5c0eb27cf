// The synonym table parsed with the reference's quirks, and the 55-key two-word map (spec §3.2).
import { describe, expect, it } from 'vitest';
import { CHAIR_DOUBLE_WORDS } from '../../../../src/core/metrics/chair-double-words';
import { parseSynonymTable } from '../../../../src/core/metrics/chair-synonyms';
import { SYNONYMS_TEXT } from './setup';

describe('parseSynonymTable', () => {
  const table = parseSynonymTable(SYNONYMS_TEXT);

  it('has the 80 COCO node words, first items of their lines', () => {
    expect(table.nodes).toHaveLength(80);
    expect(table.nodes.slice(0, 3)).toEqual(['person', 'bicycle', 'car']);
    expect(table.nodes.at(-1)).toBe('toothbrush');
    expect(table.nodeOf.get('people')).toBe('person');
    expect(table.nodeOf.get('seat')).toBe('chair');
    expect(table.nodeOf.get('desk')).toBe('dining table');
  });

  it('keeps the double-space entries with their leading space, and iPhone capitalised', () => {
    expect(table.vocabulary.has(' motor bike')).toBe(true);
    expect(table.vocabulary.has('motor bike')).toBe(false);
    expect(table.vocabulary.has(' cheesecake')).toBe(true);
    expect(table.vocabulary.has('cheesecake')).toBe(false);
    expect(table.vocabulary.has('iPhone')).toBe(true);
    expect(table.vocabulary.has('iphone')).toBe(false);
  });

  it('strips each line, so trailing spaces do not stick to the last entry', () => {
    expect(table.nodeOf.get('bison')).toBe('cow');
    expect(table.nodeOf.get('chesterfield')).toBe('couch');
  });

  it('adds the empty entry for an empty line, as the reference does for its leading blank line', () => {
    expect(parseSynonymTable(SYNONYMS_TEXT).vocabulary.has('')).toBe(false);
    const withBlank = parseSynonymTable(`\n${SYNONYMS_TEXT}`);
    expect(withBlank.vocabulary.has('')).toBe(true);
    expect(withBlank.nodes).toHaveLength(80);
  });

  it('lets a later line win for a word listed twice, like a Python dict', () => {
    const table2 = parseSynonymTable('a, x\r\nb, x\n');
    expect(table2.nodeOf.get('x')).toBe('b');
    expect(table2.nodes).toEqual(['a', 'b']);
  });
});

describe('CHAIR_DOUBLE_WORDS', () => {
  it('has 55 keys with the reference overrides', () => {
    expect(CHAIR_DOUBLE_WORDS.size).toBe(55);
    expect(CHAIR_DOUBLE_WORDS.get('bow tie')).toBe('tie');
    expect(CHAIR_DOUBLE_WORDS.get('toilet seat')).toBe('toilet');
    expect(CHAIR_DOUBLE_WORDS.get('wine glas')).toBe('wine glass');
    expect(CHAIR_DOUBLE_WORDS.get('baby cub')).toBe('cub');
    expect(CHAIR_DOUBLE_WORDS.get('passenger jet')).toBe('jet');
    expect(CHAIR_DOUBLE_WORDS.get('train track')).toBe('train track');
  });
});
