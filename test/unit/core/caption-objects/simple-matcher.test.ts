import { describe, expect, it } from 'vitest';
import { simpleObjectMatcher } from '../../../../src/core/caption-objects/simple-matcher';

const spans = (caption: string, truth: readonly string[]) =>
  simpleObjectMatcher.label(caption, truth).map((l) => [l.kind, caption.slice(l.start, l.end), l.object]);

describe('the simple object matcher', () => {
  it('marks listed objects grounded and other COCO objects hallucinated, with exact character spans', () => {
    expect(spans('Two dogs sit on a couch next to a cat.', ['dog', 'couch'])).toEqual([
      ['grounded', 'dogs', 'dog'],
      ['grounded', 'couch', 'couch'],
      ['hallucinated', 'cat', 'cat'],
    ]);
  });

  it('reads plurals both ways and irregular plurals', () => {
    expect(spans('A dog, knives and people.', ['dogs', 'knife', 'person'])).toEqual([
      ['grounded', 'dog', 'dogs'],
      ['grounded', 'knives', 'knife'],
      ['grounded', 'people', 'person'],
    ]);
  });

  it('takes a two-word object as one span before its last word', () => {
    expect(spans('A hot dog on the dining table', ['dining table'])).toEqual([
      ['hallucinated', 'hot dog', 'hot dog'],
      ['grounded', 'dining table', 'dining table'],
    ]);
  });

  it('without a ground-truth list calls every object unverifiable, and ignores words that name no object', () => {
    expect(spans('A red bus near the buses and a tree', [])).toEqual([
      ['unverifiable', 'bus', 'bus'],
      ['unverifiable', 'buses', 'bus'],
    ]);
  });

  it('grounds a listed word that is not a COCO object', () => {
    expect(spans('a lamp and a tree', ['trees'])).toEqual([['grounded', 'tree', 'trees']]);
  });
});
