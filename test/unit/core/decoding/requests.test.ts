import { describe, expect, it } from 'vitest';
import { decodingProblems, validateEvalImageParams, validateRunParams } from '../../../../src/core/decoding/requests';
import type { EvalImageParams, RunParams } from '../../../../src/protocol/messages';

const image = { kind: 'encoded', bytes: new ArrayBuffer(0), mime: 'image/png' } as const;

const run = (patch: Partial<RunParams> = {}): RunParams => ({
  image,
  prompt: 'Describe the image.',
  captions: ['baseline', 'damro'],
  damro: { alpha: 1, beta: 0.1, k: 2 },
  decoding: { mode: 'greedy' },
  maxNewTokens: 8,
  attention: { layerFrom: 0, layerTo: 1, head: 'mean' },
  ...patch,
});

const evalImage = (patch: Partial<EvalImageParams> = {}): EvalImageParams => ({
  jobId: 1,
  image,
  items: [{ key: 'q1', prompt: 'Is there a dog in the image?', seed: 42 }],
  damro: { alpha: 1, beta: 0.1, k: 2 },
  decoding: 'greedy',
  maxNewTokens: 8,
  ...patch,
});

describe('decodingProblems', () => {
  it('accepts the edges: α = 0, β = 0 and 1, 1 and 1024 new tokens', () => {
    expect(decodingProblems({ alpha: 0, beta: 0, k: 1 }, 1)).toEqual([]);
    expect(decodingProblems({ alpha: 10, beta: 1, k: 576 }, 1024)).toEqual([]);
  });

  it('names each bad setting with the value it got', () => {
    expect(decodingProblems({ alpha: -1, beta: 1.5, k: 2.5 }, 1025)).toEqual([
      'α must be ≥ 0 (got -1)',
      'β must be in [0, 1] (got 1.5)',
      'k must be a whole number (got 2.5)',
      'max new tokens must be 1–1024 (got 1025)',
    ]);
    expect(decodingProblems({ alpha: Infinity, beta: -0.1, k: 1 }, 0)).toEqual([
      'α must be ≥ 0 (got Infinity)',
      'β must be in [0, 1] (got -0.1)',
      'max new tokens must be 1–1024 (got 0)',
    ]);
    expect(decodingProblems({ alpha: Number.NaN, beta: Number.NaN, k: 1 }, 1)).toEqual([
      'α must be ≥ 0 (got NaN)',
      'β must be in [0, 1] (got NaN)',
    ]);
  });
});

describe('request validation at the worker entry', () => {
  it('passes a well-formed run and benchmark call', () => {
    expect(() => validateRunParams(run())).not.toThrow();
    expect(() => validateEvalImageParams(evalImage())).not.toThrow();
  });

  it('refuses a run with every reason in one bad-request message', () => {
    expect(() => validateRunParams(run({ prompt: ' ', captions: [], damro: { alpha: -1, beta: 0.1, k: 2 } }))).toThrow(
      expect.objectContaining({
        code: 'bad-request',
        message:
          'Cannot start the run: the prompt is empty; no caption was asked for (baseline, DAMRO or both); α must be ≥ 0 (got -1).',
      }),
    );
  });

  it('refuses a benchmark call naming the empty question and the bad β', () => {
    expect(() =>
      validateEvalImageParams(
        evalImage({
          items: [{ key: 'x', prompt: ' ', seed: 1 }],
          damro: { alpha: 1, beta: 2, k: 2 },
        }),
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'bad-request',
        message: 'Cannot answer the benchmark questions: question x has an empty prompt; β must be in [0, 1] (got 2).',
      }),
    );
    expect(() => validateEvalImageParams(evalImage({ items: [] }))).toThrow(/no question was given for this image/);
  });
});
