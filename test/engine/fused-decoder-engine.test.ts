// The real engine on synthetic llavas whose decoder attention is fused — GroupQueryAttention (rotary inside, 2 KV
// heads, no position_ids) or MultiHeadAttention (rotary outside) — in Node on ORT wasm: rows run as one batch,
// attention frames come from rows computed in the graph out of the query and the present keys, and the greedy baseline
// equals transformers.js's own LlavaForConditionalGeneration.generate() on the same files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineApi } from '../../src/engine/engine';
import { configureHub } from '../../src/engine/runtime/hf';
import { makeGqaLlavaModel } from '../../src/factory/gqa/make-model';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import type { WorkerEvent } from '../../src/protocol/messages';
import { nodeEngine, runParams, runToEnd, tokensOf, transformersGreedyTokens } from '../support/tiny-llava';

const root = mkdtempSync(join(tmpdir(), 'damro-fused-decoder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const LAYOUTS = {
  GroupQueryAttention: () => makeGqaLlavaModel(),
  // Gemma-style: layer 0 slides over the 24 most recent keys (part of the image stays in view), layer 1 is global,
  // and every score is soft-capped.
  'GroupQueryAttention (sliding window on layer 0, softcap)': () =>
    makeGqaLlavaModel({ windows: [24, -1], softcap: 1 }),
  MultiHeadAttention: () => makeLlavaModel({ size: 'tiny', dtype: 'fp32', decoderAttention: 'fused-mha' }).files,
};

describe.each(Object.keys(LAYOUTS) as (keyof typeof LAYOUTS)[])('engine on a %s decoder', (layout) => {
  const modelId = `tiny-${layout.replace(/\W+/g, '-').replace(/-$/, '')}`;
  let engine: EngineApi;
  let events: WorkerEvent[];

  beforeAll(async () => {
    await writeModelFolder(join(root, modelId), LAYOUTS[layout]());
    configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
    ({ engine, events } = nodeEngine(join(root, modelId)));
    await engine['model/load']({ modelId, dtype: 'fp32' });
  });

  it('greedy baseline is token-identical to transformers.js generate()', async () => {
    const run = await runToEnd(engine, events, runParams({ captions: ['baseline'] }));
    const expected = await transformersGreedyTokens(root, modelId);
    expect(tokensOf(run, 'baseline')).toEqual(expected);
    expect(expected.length).toBeGreaterThan(3);
  });

  it('runs both captions batched with outliers and attention frames; α = 0 reproduces the baseline', async () => {
    const run = await runToEnd(engine, events, runParams({ damro: { alpha: 2, beta: 0.1, k: 2 } }));
    expect(run.find((e) => e.type === 'run/outliers')).toMatchObject({
      grid: { rows: 4, cols: 4 },
      scorer: { name: 'clip-single-head', faithful: true },
    });
    const frames = run.filter((e) => e.type === 'run/attention');
    expect(frames.length).toBe(run.filter((e) => e.type === 'run/token').length);
    for (const frame of frames) if (frame.type === 'run/attention') expect(frame.values).toHaveLength(16);
    const outliers = run.find((e) => e.type === 'run/outliers');
    const detail = await engine['attn/detail']({
      runId: outliers!.type === 'run/outliers' ? outliers!.runId : -1,
      caption: 'damro',
      step: 0,
    });
    expect(detail.dims).toEqual([2, 4, 16]);
    for (let lh = 0; lh < 8; lh++) {
      const mass = detail.data.subarray(lh * 16, (lh + 1) * 16).reduce((a, b) => a + b, 0);
      expect(mass).toBeGreaterThan(0);
      expect(mass).toBeLessThanOrEqual(1 + 1e-5);
    }
    const same = await runToEnd(engine, events, runParams({ damro: { alpha: 0, beta: 0.1, k: 2 } }));
    expect(tokensOf(same, 'damro')).toEqual(tokensOf(same, 'baseline'));
    expect(tokensOf(same, 'baseline').length).toBeGreaterThan(0);
  });
});
