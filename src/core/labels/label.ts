// Colours for a caption: every CHAIR mention is grounded (its node word is in the ground truth, with that
// object's evidence) or hallucinated; every other noun is unverifiable, because CHAIR only knows the 80 COCO
// categories. Before the image's ground truth exists a mention is unchecked: neither verdict is known yet.
// Spans index the original caption, so a UI colours exactly those characters.
import type { ChairMention, ChairParse } from '../metrics/chair-mentions';
import { scoreChair, type ChairScores } from '../metrics/chair';
import type { GroundTruth, GroundTruthEvidence } from './ground-truth';

export type WordLabel =
  | {
      readonly kind: 'grounded';
      readonly start: number;
      readonly end: number;
      readonly mention: ChairMention;
      readonly evidence: GroundTruthEvidence;
    }
  | { readonly kind: 'hallucinated'; readonly start: number; readonly end: number; readonly mention: ChairMention }
  | { readonly kind: 'unverifiable'; readonly start: number; readonly end: number; readonly text: string }
  | { readonly kind: 'unchecked'; readonly start: number; readonly end: number; readonly mention: ChairMention };

export interface CaptionLabels {
  readonly caption: string;
  /** Sorted by start; spans never overlap. */
  readonly labels: readonly WordLabel[];
  readonly counts: {
    readonly grounded: number;
    readonly hallucinated: number;
    readonly unverifiable: number;
    readonly unchecked: number;
  };
  /** CHAIR of this caption alone: chairS is 0 or 1, chairI and recall are NaN without mentions / GT objects. */
  readonly scores: ChairScores;
  /** Node words of the ground truth the caption mentions and misses (sorted). */
  readonly mentionedObjects: readonly string[];
  readonly missedObjects: readonly string[];
  /** Distinct hallucinated node words (sorted). */
  readonly hallucinatedObjects: readonly string[];
}

export function labelCaption(parse: ChairParse, truth: GroundTruth): CaptionLabels {
  const labels: WordLabel[] = [];
  const inMention = new Uint8Array(parse.tokens.length);
  for (const mention of parse.mentions) {
    inMention.fill(1, mention.tokenStart, mention.tokenEnd);
    const evidence = truth.objects.get(mention.node);
    labels.push(
      evidence
        ? { kind: 'grounded', start: mention.start, end: mention.end, mention, evidence }
        : { kind: 'hallucinated', start: mention.start, end: mention.end, mention },
    );
  }
  parse.tokens.forEach((token, i) => {
    if (!inMention[i] && parse.tags[i].noun && /\p{L}/u.test(token.text)) {
      labels.push({
        kind: 'unverifiable',
        start: token.start,
        end: token.end,
        text: parse.caption.slice(token.start, token.end),
      });
    }
  });
  labels.sort((a, b) => a.start - b.start);

  const nodes = parse.mentions.map((m) => m.node);
  const mentioned = new Set(nodes.filter((n) => truth.objects.has(n)));
  const count = (kind: WordLabel['kind']) => labels.filter((l) => l.kind === kind).length;
  return {
    caption: parse.caption,
    labels,
    counts: {
      grounded: count('grounded'),
      hallucinated: count('hallucinated'),
      unverifiable: count('unverifiable'),
      unchecked: 0,
    },
    scores: scoreChair([{ nodes, groundTruth: new Set(truth.objects.keys()) }]),
    mentionedObjects: [...mentioned].sort(),
    missedObjects: [...truth.objects.keys()].filter((n) => !mentioned.has(n)).sort(),
    hallucinatedObjects: [...new Set(nodes.filter((n) => !truth.objects.has(n)))].sort(),
  };
}
