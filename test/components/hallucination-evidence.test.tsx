// @vitest-environment jsdom
// The site's path and the CLI's path on the same planted synthetic model: the benchmark panel's controller runs
// 40 CHAIR images (answers through answerImage), the evidence view shows the strongest-layer tests; the CLI
// answers the same run into a folder and `npm run eval -- evidence` writes its tables. Planted: the view reports
// p < 0.01 for the outlier share; control: the Bonferroni-corrected p is above 0.05; in both, the view's CSV
// equals the CLI's comparisons.csv byte for byte (the CLI runs as its own process: src/cli/data.ts locates the
// repository from a file URL, which jsdom's URL does not give); with compared methods, per method too.
import { cleanup, render, screen, within } from '@testing-library/react';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEvalController } from '../../src/controllers/eval-controller';
import { openShardFolder } from '../../src/cli/shard-folder';
import type { EngineClient } from '../../src/client/engine-client';
import { memoryAnswers } from '../../src/client/eval-storage';
import { HallucinationEvidence } from '../../src/components/HallucinationEvidence';
import type { Outputs } from '../../src/core/eval/answers';
import { chairBenchmark } from '../../src/core/eval/chair-benchmark';
import { limitItems } from '../../src/core/eval/items';
import { CHAIR_GROUND_TRUTH_FILE } from '../../src/core/eval/data-files';
import { driveEval } from '../../src/core/eval/driver';
import type { EvalSettings } from '../../src/core/eval/presets';
import { comparisonsCsv } from '../../src/core/evidence/csv';
import { chairLabeller } from '../../src/core/evidence/run-evidence';
import { groundTruthNodes } from '../../src/core/labels/ground-truth';
import { answerImage } from '../../src/engine/eval/answer-image';
import { withDefaults } from '../../src/core/methods/registry';
import type { ComparedMethod, EvalImageParams } from '../../src/protocol/messages';
import { evalFormChanged } from '../../src/state/eval-actions';
import { resetStore, store } from '../../src/state/store';
import { PlantedModel, readPlantedImage } from '../support/planted-model';
import { memoryKeyStore } from '../../src/client/judge-key-store';
import type { Judgement } from '../../src/core/eval/judge';
import { shippedLabelResources } from '../support/label-resources';
import { repoData } from '../support/repo-data';
import { FAKE_INFO } from './fake-engine';
import { installJsdomGaps } from './jsdom-gaps';

const GROUND_TRUTH = JSON.parse(repoData(CHAIR_GROUND_TRUTH_FILE)) as Record<string, string[]>;
const resources = shippedLabelResources(GROUND_TRUTH);
const SETTINGS: EvalSettings = { damro: { alpha: 1, beta: 0.1, k: 2 }, decoding: 'greedy', seed: 42, maxNewTokens: 40 };
const LIMIT = 40;
const CHAIR_LIST = chairBenchmark.sources('coco500')[0];
const ITEMS = limitItems(chairBenchmark.parse({ [CHAIR_LIST]: repoData(CHAIR_LIST) }, 'coco500'), LIMIT);
// jsdom runs from the repository root (see test/support/repo-data.ts).
const REPO = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'damro-evidence-view-'));
beforeAll(installJsdomGaps);
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  cleanup();
  resetStore();
});

const answerWith = (model: PlantedModel) => (params: EvalImageParams) =>
  answerImage({ model, params, signal: new AbortController().signal, encode: () => model.encodeImage(params.image) });

/** The benchmark panel's controller over a picked folder of 40 CHAIR images (each file holds its own name). */
async function sitePath(planted: boolean, methods: readonly ComparedMethod[] = []): Promise<void> {
  const answer = answerWith(new PlantedModel(GROUND_TRUTH, planted));
  const client = {
    call: (method: string, params: unknown) =>
      method === 'eval/image' ? answer(params as EvalImageParams) : Promise.resolve({ cancelled: false }),
  } as unknown as EngineClient;
  const controller = createEvalController({
    client,
    storage: memoryAnswers<Outputs>(),
    judgements: memoryAnswers<Judgement>(),
    keys: memoryKeyStore(),
    fetchServed: async (path) => repoData(path),
    chairContext: async () => ({
      nodesOf: (caption) => resources.extract(caption).mentions.map((m) => m.node),
      groundTruth: (id) => {
        const t = resources.coco.resolve({ cocoId: id });
        return t && groundTruthNodes(t);
      },
    }),
    evidenceLabeller: () => chairLabeller(resources.extract, (image) => resources.coco.resolve({ fileName: image })),
  });
  store.setState({
    model: { phase: 'ready', files: [], info: { ...FAKE_INFO, id: 'synthetic-planted' } },
    // The methods chosen under the captions, as "Compare with" sets them.
    settings: { ...store.getState().settings, methods: methods.map((m) => m.method) },
  });
  evalFormChanged({ benchmark: 'chair', split: 'coco500', preset: 'custom', custom: SETTINGS, limit: LIMIT });
  controller.chooseFolder(
    'planted',
    ITEMS.map((item) => ({ path: `planted/${item.image}`, file: new Blob([item.image], { type: 'image/png' }) })),
  );
  await controller.start();
  expect(store.getState().evaluation.phase, store.getState().evaluation.error?.message).toBe('done');
}

/** The CLI's path: the same run answered into a folder, then `npm run eval -- evidence`. */
async function cliPath(planted: boolean, methods: readonly ComparedMethod[] = []): Promise<string> {
  const model = new PlantedModel(GROUND_TRUTH, planted);
  const settings: EvalSettings = { ...SETTINGS, ...(methods.length && { methods }) };
  const config = {
    benchmark: 'chair',
    split: 'coco500',
    modelId: 'synthetic-planted',
    dtype: 'fp32',
    settings,
    limit: LIMIT,
  } as const;
  const dir = join(work, `${planted ? 'planted' : 'control'}${methods.map((m) => `-${m.method}`).join('')}`);
  const items = ITEMS;
  const folder = await openShardFolder(dir, config, items);
  await driveEval(
    {
      items,
      answered: new Set(),
      imagePaths: new Map(items.map((i) => [`/${i.image}`, i.image])),
      settings,
      jobId: 1,
      evidence: true,
    },
    {
      engine: { answerImage: answerWith(model), cancel: async () => ({ cancelled: false }) },
      readImage: readPlantedImage,
      save: (answers) => folder.append(answers),
      now: () => 0,
    },
    { shouldPause: () => false, isCancelled: () => false },
  );
  await promisify(execFile)(
    'node',
    [
      '--import',
      'tsx',
      '--import',
      './src/cli/node-hooks.mjs',
      'src/cli/eval.ts',
      'evidence',
      '--run',
      dir,
      '--out',
      join(dir, 'evidence'),
    ],
    { cwd: REPO, timeout: 120_000 },
  );
  return readFileSync(join(dir, 'evidence', 'comparisons.csv'), 'utf8');
}

function shareRow() {
  render(<HallucinationEvidence />);
  const row = screen.getByRole('table', { name: 'Strongest-layer tests' }).querySelector('[data-row="share-all"]')!;
  const cells = within(row as HTMLElement)
    .getAllByRole('cell')
    .map((c) => c.textContent);
  return {
    p: Number(row.querySelector('[data-p]')!.getAttribute('data-p')),
    bonferroni: Number(cells.at(-1)),
    layer: Number(cells[1]),
  };
}

describe('hallucination evidence: site and CLI on the planted model', () => {
  it("planted: the view reports the separation (p < 0.01) and its numbers are the CLI's", async () => {
    const cli = await cliPath(true);
    await sitePath(true);
    const evidence = store.getState().hallucinationEvidence!.benchmark!;
    expect(evidence.source).toBe(`CHAIR run over planted: ${LIMIT} captions per method`);
    expect(comparisonsCsv(evidence.result.summary)).toBe(cli);
    const row = shareRow();
    expect(row.p).toBeLessThan(0.01);
    expect(row.bonferroni).toBeLessThan(0.01);
    expect(row.layer).toBeGreaterThanOrEqual(2);
    expect(screen.getAllByRole('figure')).toHaveLength(6);
  }, 120_000);

  it('control: no separation (Bonferroni-corrected p > 0.05), same numbers as the CLI', async () => {
    const cli = await cliPath(false);
    await sitePath(false);
    expect(comparisonsCsv(store.getState().hallucinationEvidence!.benchmark!.result.summary)).toBe(cli);
    expect(shareRow().bonferroni).toBeGreaterThan(0.05);
  }, 120_000);

  it('with compared methods: a row per method in the view, and the same numbers as the CLI', async () => {
    const methods = [withDefaults('vcd'), withDefaults('m3id')];
    const cli = await cliPath(true, methods);
    await sitePath(true, methods);
    const { summary } = store.getState().hallucinationEvidence!.benchmark!.result;
    expect(summary.counts.map((c) => c.method)).toEqual(['baseline', 'damro', 'vcd', 'm3id', 'all']);
    expect(comparisonsCsv(summary)).toBe(cli);
    expect(cli).toMatch(/^vcd,share,0,/m);
    render(<HallucinationEvidence />);
    const table = screen.getByRole('table', { name: 'Strongest-layer tests' });
    for (const [method, name] of [
      ['vcd', 'VCD'],
      ['m3id', 'M3ID'],
      ['all', 'all methods'],
    ])
      expect(table.querySelector(`[data-row="share-${method}"] td`)!.textContent).toBe(name);
  }, 120_000);
});
