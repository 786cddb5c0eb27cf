import { describe, expect, it } from 'vitest';
import { validateRunExport, type RunExportV1 } from '../../../../src/core/export/run-export';

function minimalRun(): RunExportV1 {
  const token = (step: number, text: string) => ({
    step,
    tokenId: 5 + step,
    text,
    outlierShare: 0.25,
    attention: [0.1, 0.2, 0.3, 0.4],
  });
  return {
    schemaVersion: 1,
    kind: 'damro-lens/run',
    model: {
      id: 'm',
      dtype: 'fp32',
      backend: 'wasm',
      family: 'llava',
      synthetic: true,
      tokenGrid: { rows: 2, cols: 2 },
      decoder: { layers: 2, heads: 2 },
      processor: { shortestEdge: 16, crop: { height: 16, width: 16 } },
    },
    scorer: { name: 'clip-single-head', faithful: true, label: 'CLS' },
    settings: {
      alpha: 1.5,
      beta: 0.1,
      k: 2,
      mode: 'greedy',
      seed: null,
      maxNewTokens: 4,
      prompt: 'Describe.',
      attention: { layerFrom: 0, layerTo: 2, head: 'mean' },
    },
    image: { name: 'a.png', mime: 'image/png', width: 10, height: 10 },
    outliers: { indices: [3, 0], scores: [0.4, 0.1, 0.1, 0.4] },
    captions: {
      baseline: { text: 'A dog', stopReason: 'eos', tokens: [token(0, 'A'), token(1, ' dog')] },
      damro: { text: 'A', stopReason: 'max-tokens', tokens: [token(0, 'A')] },
    },
    steps: [
      {
        step: 0,
        kept: 1,
        cutoff: 2.3,
        changed: false,
        full: [{ tokenId: 5, text: 'A', score: 3, probability: 1 }],
        outlier: [],
        combined: [],
      },
    ],
    groundTruth: ['dog'],
  };
}

const withLabels = (run: RunExportV1): RunExportV1 => {
  const none = {
    words: [],
    counts: { grounded: 0, hallucinated: 0, unverifiable: 0, unchecked: 0 },
    chair: { chairS: null, chairI: null, recall: null },
  };
  const dog = {
    kind: 'grounded' as const,
    start: 2,
    end: 5,
    text: 'dog',
    node: 'dog',
    evidence: { kind: 'user-list' as const, entry: 'dog' },
  };
  return {
    ...run,
    labels: {
      source: 'user-list',
      objects: [{ node: 'dog', evidence: { kind: 'user-list', entry: 'dog' } }],
      captions: {
        baseline: { words: [dog], counts: { ...none.counts, grounded: 1 }, chair: { chairS: 0, chairI: 0, recall: 1 } },
        damro: none,
      },
    },
  };
};

describe('the version-1 run export schema', () => {
  it('accepts a run with labels (added within version 1) and checks their spans and evidence against the caption', () => {
    expect(validateRunExport(withLabels(minimalRun()))).toEqual([]);
    const run = withLabels(minimalRun());
    const word = run.labels!.captions.baseline.words[0];
    const broken = {
      ...run,
      labels: {
        ...run.labels!,
        captions: {
          ...run.labels!.captions,
          baseline: { ...run.labels!.captions.baseline, words: [{ ...word, start: 1, evidence: null }] },
        },
      },
    };
    expect(validateRunExport(broken)).toEqual([
      '$.labels.captions.baseline.words[0]: [1, 5) of the caption is not "dog"',
      '$.labels.captions.baseline.words[0].evidence: a grounded word has evidence, any other has null',
    ]);
  });

  it('accepts a well-formed run', () => {
    expect(validateRunExport(minimalRun())).toEqual([]);
  });

  it('accepts a run on the CPU backend with its expanded n-bit weights, and checks their shape', () => {
    const run = minimalRun();
    const cpuWeights = { expandedMatMuls: 211, addedBytes: 498_632_806, kept: [] };
    expect(validateRunExport({ ...run, model: { ...run.model, cpuWeights } })).toEqual([]);
    expect(validateRunExport({ ...run, model: { ...run.model, cpuWeights: { ...cpuWeights, kept: 'none' } } })).toEqual(
      ['$.model.cpuWeights.kept: expected an array, got string'],
    );
  });

  it('accepts β = 0, whose −∞ cutoff JSON writes as null', () => {
    const run = minimalRun();
    const written = JSON.parse(
      JSON.stringify({ ...run, settings: { ...run.settings, beta: 0 }, steps: [{ ...run.steps[0], cutoff: null }] }),
    ) as unknown;
    expect(validateRunExport(written)).toEqual([]);
  });

  it('accepts a caption stopped at the model’s position limit', () => {
    const run = minimalRun();
    expect(
      validateRunExport({
        ...run,
        captions: { ...run.captions, damro: { ...run.captions.damro, stopReason: 'position-limit' } },
      }),
    ).toEqual([]);
  });

  it('names each shape problem by its JSON path', () => {
    const run = { ...minimalRun(), schemaVersion: 2, extra: true, scorer: { name: '', faithful: 'yes', label: 'x' } };
    expect(validateRunExport(run)).toEqual([
      '$.schemaVersion: expected 1, got number 2',
      '$.scorer.name: expected a non-empty string, got string ""',
      '$.scorer.faithful: expected a boolean, got string "yes"',
      '$.extra: not part of schema version 1',
    ]);
  });

  it('checks what ties fields together: grid size, k, layer range, caption text and token steps', () => {
    const run = minimalRun();
    const broken = {
      ...run,
      settings: { ...run.settings, k: 3, attention: { layerFrom: 1, layerTo: 3, head: 'mean' } },
      outliers: { indices: [3, 4], scores: [0.4, 0.1, 0.1] },
      captions: {
        ...run.captions,
        damro: { text: 'B', stopReason: null, tokens: [{ ...run.captions.damro.tokens[0], step: 1, attention: [1] }] },
      },
    };
    expect(validateRunExport(broken)).toEqual([
      '$.outliers.scores: expected 4 scores (one per image token), got 3',
      '$.outliers.indices: expected k = 3 outliers, got 2',
      '$.outliers.indices[1]: 4 is outside the 4 image tokens',
      "$.settings.attention: layers [1, 3) are not inside the model's 2",
      '$.captions.damro.text: does not equal its tokens joined',
      '$.captions.damro.tokens[0].step: expected 0, got 1',
      '$.captions.damro.tokens[0].attention: expected 4 values, got 1',
    ]);
  });
});
