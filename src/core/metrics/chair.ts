// CHAIR over many captions (spec §3.2 "Metrics"): CHAIR_s = captions with at least one hallucinated mention /
// captions; CHAIR_i = hallucinated mentions / mentions, duplicates counted (micro); recall = distinct GT node
// words mentioned / GT objects, summed over images (micro). A ratio with a zero denominator is NaN: the
// reference divides by zero there, and a UI should show "n/a" rather than a made-up 0.

export interface ChairSample {
  /** Node words of the caption's mentions, duplicates kept. */
  readonly nodes: readonly string[];
  readonly groundTruth: ReadonlySet<string>;
}

export interface ChairScores {
  readonly captions: number;
  readonly hallucinatedCaptions: number;
  readonly mentions: number;
  readonly hallucinatedMentions: number;
  readonly groundTruthObjects: number;
  readonly groundTruthMentioned: number;
  readonly chairS: number;
  readonly chairI: number;
  readonly recall: number;
}

export function scoreChair(samples: Iterable<ChairSample>): ChairScores {
  let captions = 0;
  let hallucinatedCaptions = 0;
  let mentions = 0;
  let hallucinatedMentions = 0;
  let groundTruthObjects = 0;
  let groundTruthMentioned = 0;
  for (const { nodes, groundTruth } of samples) {
    captions++;
    let hallucinated = 0;
    const found = new Set<string>();
    for (const node of nodes) {
      if (groundTruth.has(node)) found.add(node);
      else hallucinated++;
    }
    mentions += nodes.length;
    hallucinatedMentions += hallucinated;
    if (hallucinated > 0) hallucinatedCaptions++;
    groundTruthObjects += groundTruth.size;
    groundTruthMentioned += found.size;
  }
  return {
    captions,
    hallucinatedCaptions,
    mentions,
    hallucinatedMentions,
    groundTruthObjects,
    groundTruthMentioned,
    chairS: ratio(hallucinatedCaptions, captions),
    chairI: ratio(hallucinatedMentions, mentions),
    recall: ratio(groundTruthMentioned, groundTruthObjects),
  };
}

const ratio = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b);
