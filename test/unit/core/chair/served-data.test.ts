// The site serves copies of the CHAIR data (public/data/); they must stay identical to the shared originals the
// CHAIR tests are checked against.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHARED } from './setup';

const PUBLIC = new URL('../../../../public/data/', import.meta.url);

describe('CHAIR data served by the site', () => {
  it.each([
    ['chair_gt_objects_500.json', 'coder-gx__DAMRO/derived/chair_gt_objects_500.json'],
    ['chair_synonyms.txt', 'LisaAnne__Hallucination/data/synonyms.txt'],
  ])('public/data/%s equals shared/data/%s', (served, original) => {
    expect(readFileSync(new URL(served, PUBLIC)).equals(readFileSync(new URL(original, SHARED)))).toBe(true);
  });
});
