// DAMRO's two CLS rules on a tower built so that they disagree (src/factory/cls-rules): loaded with each rule, the
// engine's outlier scores equal the hand-computed values below, the top outlier differs, and the run's export (the
// site's "Export run" JSON, built from the engine's own events) names the rule that ran.
//
// CLS's dot products with the keys (src/factory/cls-rules/make-model.ts): A 16, B 16·√2, each C 16/√1.25, the CLS
// token and the 11 other patches 0; split by head: head 0 A 16, B 16/√2; head 1 B 16/√2, C 16/√1.25.
// - One softmax over the full width (LLaVA-1.5 rule), scale 1/√32: logits A 16/√32 = 2.828, B 4, C 2.530, rest 0.
// - Per-head softmaxes (InstructBLIP rule), scale 1/√16: head 0 A 4, B 2.828; head 1 B 2.828, C 3.578; then the mean.
// So B leads under the first rule (4 > 2.828) and A under the second (≈ 0.32 against ≈ 0.16).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeEvent } from '../../src/controllers/lens-controller';
import { validateRunExport } from '../../src/core/export/run-export';
import type { EngineApi } from '../../src/engine/engine';
import { configureHub } from '../../src/engine/runtime/hf';
import { CLS_RULES, makeClsRulesLlavaModel } from '../../src/factory/cls-rules/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import type { ClsScorer, ModelInfo, WorkerEvent } from '../../src/protocol/messages';
import { modelLoaded } from '../../src/state/model-actions';
import { runStarted, runStarting } from '../../src/state/run-actions';
import { buildRunExport } from '../../src/state/run-export';
import { resetStore, store } from '../../src/state/store';
import { imageChosen } from '../../src/state/view-actions';
import { CAPTION_PROMPT, nodeEngine, runParams, runToEnd } from '../support/tiny-llava';

const PATCHES = 16;
const { A, B, C } = CLS_RULES;
const dots = Array.from({ length: PATCHES + 1 }, () => [0, 0]);
dots[A + 1] = [16, 0];
dots[B + 1] = [16 / Math.SQRT2, 16 / Math.SQRT2];
for (const c of C) dots[c + 1] = [0, 16 / Math.sqrt(1.25)];
const softmax = (logits: number[]) => {
  const exps = logits.map(Math.exp);
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
};
// The CLS column (token 0) is dropped without renormalising, as DAMRO's released code does.
const EXPECTED: Record<ClsScorer, number[]> = {
  'clip-single-head': softmax(dots.map(([h0, h1]) => (h0! + h1!) / Math.sqrt(32))).slice(1),
  'head-mean': ((h0, h1) => h0.map((p, j) => (p + h1[j]!) / 2))(
    softmax(dots.map(([h0]) => h0! / 4)),
    softmax(dots.map(([, h1]) => h1! / 4)),
  ).slice(1),
};

const root = mkdtempSync(join(tmpdir(), 'damro-cls-rules-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let engine: EngineApi;
let events: WorkerEvent[];

beforeAll(async () => {
  await writeModelFolder(join(root, 'cls-rules'), makeClsRulesLlavaModel());
  configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
  ({ engine, events } = nodeEngine(join(root, 'cls-rules')));
});

async function runWith(clsScorer: ClsScorer): Promise<{ info: ModelInfo; run: WorkerEvent[] }> {
  const info = await engine['model/load']({ modelId: 'cls-rules', dtype: 'fp32', clsScorer });
  const run = await runToEnd(engine, events, runParams({ maxNewTokens: 3, damro: { alpha: 1, beta: 0.1, k: 1 } }));
  return { info, run };
}

/** The site's run export, from the engine's own events routed into the store as the page routes them. */
function exported(info: ModelInfo, run: WorkerEvent[]) {
  resetStore();
  modelLoaded(info);
  imageChosen({ name: 'test.png', mime: 'image/png', bytes: new ArrayBuffer(0), width: 48, height: 40, url: '' });
  runStarting({
    modelId: info.id,
    damro: { alpha: 1, beta: 0.1, k: 1 },
    mode: 'greedy',
    seed: 0,
    maxNewTokens: 3,
    prompt: CAPTION_PROMPT,
    attention: { layerFrom: 0, layerTo: 2, head: 'mean' },
  });
  const runId = run.find((e) => 'runId' in e)!;
  runStarted((runId as { runId: number }).runId);
  for (const event of run) routeEvent(event);
  return JSON.parse(JSON.stringify(buildRunExport(store.getState())));
}

describe('CLS rules on a tower built so they disagree', () => {
  it('the two rules rank the patches as computed by hand, and their top outliers differ', () => {
    const order = (scores: number[]) => scores.map((s, j) => [s, j]).sort((a, b) => b[0]! - a[0]!);
    expect(order(EXPECTED['clip-single-head'])[0]![1]).toBe(B);
    expect(order(EXPECTED['head-mean'])[0]![1]).toBe(A);
    expect(EXPECTED['head-mean'][A]).toBeCloseTo(0.319, 3);
    expect(EXPECTED['clip-single-head'][B]).toBeGreaterThan(2 * EXPECTED['clip-single-head'][A]!);
  });

  it.each([
    ['clip-single-head', B, /LLaVA-1\.5/],
    ['head-mean', A, /InstructBLIP/],
  ] as const)(
    '%s: the engine’s scores equal the hand-computed ones, patch %i is the outlier, the export names the rule',
    async (rule, top, paper) => {
      const { info, run } = await runWith(rule);
      const outliers = run.find((e): e is Extract<WorkerEvent, { type: 'run/outliers' }> => e.type === 'run/outliers')!;
      Array.from(outliers.scores).forEach((s, j) => expect(Math.abs(s - EXPECTED[rule][j]!)).toBeLessThan(1e-4));
      expect(Array.from(outliers.indices)).toEqual([top]);
      expect(outliers.scorer).toMatchObject({ name: rule, faithful: true, label: expect.stringMatching(paper) });

      const runExport = exported(info, run);
      expect(validateRunExport(runExport)).toEqual([]);
      expect(runExport.scorer).toMatchObject({ name: rule, label: expect.stringMatching(paper) });
      expect(runExport.outliers.indices).toEqual([top]);
    },
  );
});
