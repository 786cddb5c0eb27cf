// Session evidence: a finished interactive run on a COCO image (its CHAIR objects: person, skis, snowboard) is
// labelled, each object word's full attention is fetched through the controller, and the records reach the store.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectSessionEvidence } from '../../../src/controllers/session-evidence';
import { detailReceived } from '../../../src/state/run-actions';
import { initialState, resetStore, store, type RunSlice, type TokenRef } from '../../../src/state/store';
import { FAKE_INFO, GRID, SCORES } from '../../components/fake-engine';
import { shippedLabelResources } from '../../support/label-resources';

const resources = shippedLabelResources();
const tokens = (texts: string[]) => texts.map((text, step) => ({ step, tokenId: step, text }));

/**
 * [2 layers, 2 heads, 16]: the baseline's step 6 ("dog") looks only at outlier 9; every other step looks everywhere
 * alike.
 */
function detail(ref: TokenRef) {
  const data = new Float32Array(2 * 2 * 16).fill(1 / 16);
  if (ref.caption === 'baseline' && ref.step === 6) data.fill(0).forEach((_, i) => (data[i] = i % 16 === 9 ? 1 : 0));
  return { data, layers: 2, heads: 2, imageTokens: 16 };
}

afterEach(resetStore);

/**
 * Collects session evidence while a finished run on the COCO image, with `run`'s captions and outliers 9 and 2, reaches
 * the store; returns what the controller recorded and the token details it asked the worker for.
 */
async function collectFinishedRun(run: Pick<RunSlice, 'captions'> & Partial<RunSlice>) {
  const asked: TokenRef[] = [];
  const stop = collectSessionEvidence({
    ensureDetail: async (ref) => (asked.push(ref), detailReceived(1, ref, detail(ref))),
  });
  store.setState({
    model: { phase: 'ready', files: [], info: FAKE_INFO },
    image: {
      name: 'COCO_val2014_000000310196.jpg',
      mime: 'image/png',
      bytes: new ArrayBuffer(0),
      width: 32,
      height: 32,
      url: 'blob:x',
    },
    labels: { ...initialState.labels, labeller: { phase: 'ready', resources } },
    run: {
      phase: 'finished',
      runId: 1,
      staleUpTo: 0,
      steps: [],
      outliers: {
        grid: GRID,
        scores: SCORES,
        indices: Int32Array.from([9, 2]),
        scorer: FAKE_INFO.scorer,
        norms: SCORES.map((s) => 2 * s),
      },
      ...run,
    },
  });
  await vi.waitFor(() => expect(store.getState().hallucinationEvidence?.session).toBeDefined());
  stop();
  return { asked, ...store.getState().hallucinationEvidence!.session! };
}

describe('collectSessionEvidence', () => {
  it('records each labelled word of a finished run at the step that began it, and the image', async () => {
    const { asked, result, source } = await collectFinishedRun({
      // "a person on skis with a dog": the steps end at 1, 8, 11, 16, 21, 23, 27.
      captions: {
        baseline: { tokens: tokens(['a', ' person', ' on', ' skis', ' with', ' a', ' dog']), done: 'eos' },
        damro: { tokens: tokens(['a', ' person', ' on', ' skis']), done: 'eos' },
      },
    });
    expect(source).toBe('2 captions made on this page since it opened (1 runs)');
    expect(asked.map((r) => `${r.caption}:${r.step}`).sort()).toEqual([
      'baseline:1',
      'baseline:3',
      'baseline:6',
      'damro:1',
      'damro:3',
    ]);
    // Uniform rows: share 2/16, decoder top-2 = [0, 1] (ties → lower index) shares nothing with [9, 2], entropy ln 16.
    const uniform = { share: [0.125, 0.125], overlap: [0, 0], entropy: [Math.log(16), Math.log(16)] };
    const at = (method: string, word: string) => result.tokens.find((t) => t.method === method && t.word === word)!;
    expect(result.tokens.map((t) => [t.method, t.word, t.label, t.step])).toEqual([
      ['baseline', 'person', 'grounded', 1],
      ['baseline', 'skis', 'grounded', 3],
      ['baseline', 'dog', 'hallucinated', 6],
      ['damro', 'person', 'grounded', 1],
      ['damro', 'skis', 'grounded', 3],
    ]);
    expect(at('baseline', 'person').share).toEqual(uniform.share);
    expect(at('baseline', 'person').overlap).toEqual(uniform.overlap);
    expect(at('baseline', 'person').entropy[0]).toBeCloseTo(uniform.entropy[0], 6);
    // "dog": everything on outlier 9 → share 1; top-2 = [9, 0] → overlap ½; entropy 0.
    expect(at('baseline', 'dog')).toMatchObject({ share: [1, 1], overlap: [0.5, 0.5], entropy: [0, 0] });
    // Outlier 9 is interior (row 2, col 1), 2 is on the top row: ½ on the border against 12/16 by chance.
    expect(result.images).toEqual([
      {
        image: 'COCO_val2014_000000310196.jpg (run 1)',
        k: 2,
        topKMass: SCORES[9] + SCORES[2],
        scoreNormSpearman: 1,
        outliersOnBorder: 0.5,
        borderChance: 0.75,
      },
    ]);
    expect(result.summary.counts.find((c) => c.method === 'baseline')).toEqual({
      method: 'baseline',
      grounded: 2,
      hallucinated: 1,
      unverifiable: 0,
    });
  });

  it("records a compared method's words with the measures the worker sent with its tokens", async () => {
    const measures = (share: number) => ({ share: [share, share / 2], overlap: [0.5, 0], entropy: [1, 2] });
    const { asked, result, source } = await collectFinishedRun({
      recipe: {
        modelId: 'm',
        damro: { alpha: 1, beta: 0.1, k: 2 },
        mode: 'greedy',
        seed: 1,
        maxNewTokens: 8,
        prompt: 'p',
        attention: { layerFrom: 0, layerTo: 2, head: 'mean' },
        methods: [{ method: 'vcd', params: { alpha: 1, beta: 0.1, noiseStep: 500, noiseSeed: 42 } }],
      },
      captions: {
        baseline: { tokens: tokens(['a', ' person']), done: 'eos' },
        damro: { tokens: [], done: 'eos' },
      },
      // VCD's "a dog on skis": the steps end at 1, 5, 8, 13; "dog" (step 1) is hallucinated, "skis" (step 3) not.
      methodCaptions: { vcd: { tokens: tokens(['a', ' dog', ' on', ' skis']), done: 'eos' } },
      methodEvidence: { vcd: { 0: measures(0.1), 1: measures(0.9), 2: measures(0.2), 3: measures(0.3) } },
    });
    // The method's words need no detail from the worker: only the baseline's "person" was asked for.
    expect(asked.map((r) => `${r.caption}:${r.step}`)).toEqual(['baseline:1']);
    expect(source).toBe('2 captions made on this page since it opened (1 runs)');
    expect(result.tokens.filter((t) => t.method === 'vcd')).toEqual([
      {
        image: 'COCO_val2014_000000310196.jpg',
        method: 'vcd',
        step: 1,
        word: 'dog',
        label: 'hallucinated',
        ...measures(0.9),
      },
      {
        image: 'COCO_val2014_000000310196.jpg',
        method: 'vcd',
        step: 3,
        word: 'skis',
        label: 'grounded',
        ...measures(0.3),
      },
    ]);
    expect(result.summary.counts.map((c) => c.method)).toEqual(['baseline', 'damro', 'vcd', 'all']);
  });
});
