// Ground truth (b): the objects a person says are in the image, as free text ("dogs, a TV, dining table").
// Each entry is read like a caption (same tokeniser, tagger, lemmatiser and synonym rules), so "dogs" and
// "puppy" both become dog; an entry that is already a node word ("dining table", "potted plant") is taken as
// is. Entries that name no COCO category are returned so the UI can say which ones it ignored.
import type { ChairExtractor } from '../metrics/chair-mentions';
import type { SynonymTable } from '../metrics/chair-synonyms';
import type { GroundTruth, GroundTruthEvidence, GroundTruthSource } from './ground-truth';

export interface UserListSource extends GroundTruthSource {
  readonly unrecognised: readonly string[];
}

export function createUserListGroundTruthSource(
  entries: readonly string[],
  synonyms: SynonymTable,
  extract: ChairExtractor,
): UserListSource {
  const objects = new Map<string, GroundTruthEvidence>();
  const unrecognised: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const direct = synonyms.nodeOf.get(entry.toLowerCase());
    const nodes = direct ? [direct] : extract(entry).mentions.map((m) => m.node);
    if (nodes.length === 0) unrecognised.push(entry);
    for (const node of nodes) if (!objects.has(node)) objects.set(node, { kind: 'user-list', entry });
  }
  const truth: GroundTruth = { kind: 'user-list', objects };
  return {
    kind: 'user-list',
    unrecognised,
    resolve(): GroundTruth | undefined {
      return objects.size > 0 ? truth : undefined;
    },
  };
}
