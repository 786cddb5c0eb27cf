// The evidence split by method: a compared method's answer and records become its own words and its own group in
// the summary (between the captions and the pooled group), and a row that held only some image tokens is measured
// over the whole grid.
import { describe, expect, it } from 'vitest';
import { comparisonsCsv, tokenRecordsCsv } from '../../../../src/core/evidence/csv';
import { spreadOverImage, stepMeasures } from '../../../../src/core/evidence/measures';
import type { TokenRecord } from '../../../../src/core/evidence/records';
import { runEvidence, type EvidenceItem } from '../../../../src/core/evidence/run-evidence';
import { comparisonOf, methodGroups, summariseEvidence } from '../../../../src/core/evidence/summary';
import type { CaptionEvidence } from '../../../../src/protocol/evidence';

const OPTIONS = { resamples: 200, seed: 3, level: 0.95 };

describe('spreadOverImage', () => {
  it('places each held token’s column at its image token, zero elsewhere', () => {
    // 2 slices (layer × head) over the 2 tokens a row held, tokens 3 and 0 of 4:
    // slice 0 [.7 .3] → [.3 0 0 .7]; slice 1 [.4 .6] → [.6 0 0 .4].
    const spread = spreadOverImage(Float32Array.from([0.7, 0.3, 0.4, 0.6]), [3, 0], 4);
    expect(Array.from(spread)).toEqual([0.3, 0, 0, 0.7, 0.6, 0, 0, 0.4].map((v) => Math.fround(v)));
  });
  it('a row without the outliers gives them no share; its entropy is that of what it held', () => {
    // 1 layer, 1 head, 4 tokens, outliers [1, 2]; the row held tokens 0 and 3 with [.5 .5]:
    // share 0, top-2 = [0, 3] → overlap 0, entropy ln 2.
    const m = stepMeasures(spreadOverImage(Float32Array.from([0.5, 0.5]), [0, 3], 4), 1, 1, [1, 2]);
    expect(m).toEqual({ share: [0], overlap: [0], entropy: [Math.log(2)] });
  });
  it('refuses a frame that does not split into the held tokens', () =>
    expect(() => spreadOverImage(new Float32Array(5), [0, 1], 4)).toThrow(/5 values .* 2 image tokens/));
});

describe('evidence of compared methods', () => {
  // One image, captions "a dog" (baseline), "a dog" (DAMRO), "a cat" (VCD), "a dog" (ablation): steps end at 1, 5.
  // The image holds a dog only: "dog" grounded, "cat" hallucinated. Each caption's step 1 share at its one layer:
  // baseline .2, DAMRO .3, VCD .9, ablation 0.
  const caption = (share: number): CaptionEvidence => ({
    stepEnds: [1, 5],
    steps: [
      { share: [0.5], overlap: [0], entropy: [1] },
      { share: [share], overlap: [0.5], entropy: [2] },
    ],
  });
  const item: EvidenceItem = {
    image: 'img',
    outputs: { baseline: 'a dog', damro: 'a dog', vcd: 'a cat', ablation: 'a dog' },
    evidence: {
      image: { grid: { rows: 1, cols: 2 }, scores: [0.9, 0.1], norms: [2, 1], outliers: [0] },
      captions: { baseline: caption(0.2), damro: caption(0.3), vcd: caption(0.9), ablation: caption(0) },
    },
  };
  const label = (text: string) =>
    [{ kind: text.endsWith('cat') ? 'hallucinated' : 'grounded', start: 2, end: 5 }] as const;

  it('gives every method its own words, measured from its own records', () => {
    const result = runEvidence([item], (text) => label(text), OPTIONS);
    expect(result.tokens.map((r) => [r.method, r.word, r.label, r.step, r.share[0]])).toEqual([
      ['baseline', 'dog', 'grounded', 1, 0.2],
      ['damro', 'dog', 'grounded', 1, 0.3],
      ['vcd', 'cat', 'hallucinated', 1, 0.9],
      ['ablation', 'dog', 'grounded', 1, 0],
    ]);
    expect(tokenRecordsCsv(result.tokens).split('\n')[3]).toBe('img,vcd,1,cat,hallucinated,0,0.9,0.5,2');
  });

  it('splits the summary by method, in column order, then pools them all', () => {
    const { summary } = runEvidence([item], (text) => label(text), OPTIONS);
    expect(summary.counts.map((c) => [c.method, c.hallucinated, c.grounded])).toEqual([
      ['baseline', 0, 1],
      ['damro', 0, 1],
      ['vcd', 1, 0],
      ['ablation', 0, 1],
      ['all', 1, 3],
    ]);
    // Pooled: hallucinated [.9] vs grounded [.2 .3 0], mean .5/3 = 0.1667; difference .9 − .1667 = .7333.
    const all = comparisonOf(summary, 'share', 'all').layers[0];
    expect(all.meanHallucinated).toBeCloseTo(0.9, 12);
    expect(all.meanGrounded).toBeCloseTo(0.5 / 3, 12);
    expect(all.difference.estimate).toBeCloseTo(0.9 - 0.5 / 3, 12);
    expect(comparisonOf(summary, 'share', 'vcd').layers[0]).toMatchObject({ nHallucinated: 1, nGrounded: 0 });
    const csvMethods = comparisonsCsv(summary)
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((row) => row.split(',')[0]);
    expect([...new Set(csvMethods)]).toEqual(['baseline', 'damro', 'vcd', 'ablation', 'all']);
  });

  it('a method answered without its records (written before methods were measured) adds no words', () => {
    const older: EvidenceItem = {
      ...item,
      evidence: { ...item.evidence!, captions: { baseline: caption(0.2), damro: caption(0.3) } },
    };
    const result = runEvidence([older], (text) => label(text), OPTIONS);
    expect(result.tokens.map((r) => r.method)).toEqual(['baseline', 'damro']);
  });

  it('groups: baseline and DAMRO always, compared methods when present, in column order', () => {
    const of = (method: TokenRecord['method']) => ({ method }) as TokenRecord;
    expect(methodGroups([])).toEqual(['baseline', 'damro', 'all']);
    expect(methodGroups([of('ablation'), of('m3id'), of('baseline')])).toEqual([
      'baseline',
      'damro',
      'm3id',
      'ablation',
      'all',
    ]);
    expect(summariseEvidence([], []).counts.map((c) => c.method)).toEqual(['baseline', 'damro', 'all']);
  });
});
