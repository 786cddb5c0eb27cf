import { describe, expect, it } from 'vitest';
import type { EvalItem } from '../../../../src/core/eval/benchmark';
import { groupByImage, limitItems, parseShard, pendingItems, shardItems } from '../../../../src/core/eval/items';
import { popeBenchmark } from '../../../../src/core/eval/pope-benchmark';
import { sourceFiles } from './data';

const item = (key: string, image: string, folder?: string): EvalItem => ({ key, image, folder, prompt: `q${key}` });

describe('item selection', () => {
  const pope = popeBenchmark.parse(sourceFiles('pope', 'random'), 'random');

  it('groups by image in first-appearance order and tells same-named images in different folders apart', () => {
    const groups = groupByImage([
      item('1', 'a.png', 'x'),
      item('2', 'b.png'),
      item('3', 'a.png', 'y'),
      item('4', 'a.png', 'x'),
    ]);
    expect(groups.map((g) => [g.folder, g.image, g.items.map((i) => i.key)])).toEqual([
      ['x', 'a.png', ['1', '4']],
      [undefined, 'b.png', ['2']],
      ['y', 'a.png', ['3']],
    ]);
  });

  it('limits to whole images: 12 POPE questions are the first two images, 13 take a third image', () => {
    expect(limitItems(pope, 12).map((i) => i.key)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
    ]);
    expect(limitItems(pope, 13)).toHaveLength(18);
    expect(limitItems(pope, undefined)).toHaveLength(3000);
    expect(() => limitItems(pope, 0)).toThrow(/whole number/);
  });

  it('parses i/n shards and refuses malformed ones', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    for (const bad of ['4/4', '-1/2', '1', 'a/b', '0/0']) expect(() => parseShard(bad), bad).toThrow(/i\/n/);
  });

  it('deals whole images round-robin: shards are disjoint, cover the list and keep list order', () => {
    const shards = [0, 1, 2].map((index) => shardItems(pope, { index, count: 3 }));
    expect(shards.map((s) => s.length)).toEqual([1002, 1002, 996]);
    const keys = shards.flatMap((s) => s.map((i) => i.key));
    expect(new Set(keys).size).toBe(3000);
    for (const shard of shards) {
      const images = new Set(shard.map((i) => i.image));
      expect(pope.filter((i) => images.has(i.image))).toEqual(shard);
    }
    expect(shards[1][0].image).toBe(pope[6].image);
  });

  it('leaves out answered items on resume', () => {
    expect(pendingItems(pope.slice(0, 12), new Set(['1', '2', '7'])).map((i) => i.key)).toEqual([
      '3',
      '4',
      '5',
      '6',
      '8',
      '9',
      '10',
      '11',
      '12',
    ]);
  });
});
