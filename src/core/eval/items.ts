// Item selection that keeps each image's questions together: the engine answers all of an image's questions
// after one vision pass, and MME scores questions in per-image pairs.
import { LensError } from '../../protocol/errors';
import type { EvalItem } from './benchmark';

export interface ImageGroup<I extends EvalItem = EvalItem> {
  /** The image as the question list names it, with its folder hint. */
  readonly image: string;
  readonly folder?: string;
  readonly items: readonly I[];
}

const imageIdOf = (item: EvalItem) => `${item.folder ?? ''}/${item.image}`;

/** Items grouped by image in first-appearance order; within a group the question-list order is kept. */
export function groupByImage<I extends EvalItem>(items: readonly I[]): ImageGroup<I>[] {
  const groups = new Map<string, { image: string; folder?: string; items: I[] }>();
  for (const item of items) {
    const id = imageIdOf(item);
    let group = groups.get(id);
    if (!group) {
      group = { image: item.image, folder: item.folder, items: [] };
      groups.set(id, group);
    }
    group.items.push(item);
  }
  return [...groups.values()];
}

/** The first `limit` questions of the list, rounded up to whole images (all when no limit). */
export function limitItems<I extends EvalItem>(items: readonly I[], limit: number | undefined): I[] {
  if (limit === undefined) return [...items];
  if (!(Number.isInteger(limit) && limit >= 1))
    throw new LensError('bad-request', `The question limit must be a whole number ≥ 1 (got ${limit}).`);
  const images = new Set<string>();
  const out: I[] = [];
  for (const item of items) {
    const id = imageIdOf(item);
    if (out.length >= limit && !images.has(id)) continue;
    images.add(id);
    out.push(item);
  }
  return out;
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** "i/n" (0-based i), as in `--shard 0/2`. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!(count >= 1 && index >= 0 && index < count))
    throw new LensError('bad-request', `A shard is written i/n with 0 ≤ i < n, e.g. 0/4; got '${text}'.`);
  return { index, count };
}

/** The items of shard i of n: image groups dealt round-robin in list order, so shards are balanced and disjoint. */
export function shardItems<I extends EvalItem>(items: readonly I[], shard: Shard | undefined): I[] {
  if (!shard || shard.count === 1) return [...items];
  return groupByImage(items).flatMap((group, g) => (g % shard.count === shard.index ? group.items : []));
}

/** Items not yet answered, in list order. */
export function pendingItems<I extends EvalItem>(items: readonly I[], answered: ReadonlySet<string>): I[] {
  return items.filter((item) => !answered.has(item.key));
}
