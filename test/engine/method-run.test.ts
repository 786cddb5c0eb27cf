// A run with compared methods through the real engine on the tiny llava: their captions stream as their own events
// in the same run, at zero strength they equal the baseline, VCD adds one (uncached) vision pass, and bad choices are
// refused before the run starts.
import { describe, expect, it } from 'vitest';
import { stepMeasures } from '../../src/core/evidence/measures';
import { METHODS } from '../../src/core/methods/registry';
import type { ComparedMethod, WorkerEvent } from '../../src/protocol/messages';
import { methodTokensOf, runParams, runToEnd, tokensOf, useTinyEngine } from '../support/tiny-llava';

const tiny = useTinyEngine();

const methodText = (events: WorkerEvent[], method: string) =>
  events.flatMap((e) => (e.type === 'run/method-token' && e.method === method ? [e.text] : [])).join('');

describe('a run with compared methods', () => {
  it('streams each method’s caption beside the captions; at zero strength each equals the baseline', async () => {
    const methods: ComparedMethod[] = [
      { method: 'vcd', params: { ...METHODS.vcd.defaults, alpha: 0 } },
      { method: 'm3id', params: { ...METHODS.m3id.defaults, lambda: 0 } },
      { method: 'avisc', params: { ...METHODS.avisc.defaults, alpha: 0 } },
    ];
    const passes = tiny.visionPasses();
    const run = await runToEnd(tiny.engine, tiny.events, runParams({ methods }));
    // The first run on this image: its plain pass, and VCD's noised one.
    expect(tiny.visionPasses() - passes).toBe(2);
    const baseline = tokensOf(run, 'baseline');
    expect(baseline.length).toBeGreaterThan(0);
    for (const { method } of methods) {
      expect(methodTokensOf(run, method), method).toEqual(baseline);
      expect(run.filter((e) => e.type === 'run/method-done' && e.method === method)).toHaveLength(1);
    }
    const baselineText = run
      .flatMap((e) => (e.type === 'run/token' && e.caption === 'baseline' ? [e.text] : []))
      .join('');
    expect(methodText(run, 'vcd')).toBe(baselineText);
    // Each method's step inspector: at zero strength its combination keeps its main branch's top token.
    const steps = run.filter((e) => e.type === 'run/method-step' && e.method === 'avisc');
    // One per token, plus the step that chose EOS when it ended there.
    const done = run.find((e) => e.type === 'run/method-done' && e.method === 'avisc');
    expect(steps).toHaveLength(baseline.length + (done?.type === 'run/method-done' && done.reason === 'eos' ? 1 : 0));
    for (const s of steps) if (s.type === 'run/method-step') expect(s.changed).toBe(false);
  });

  it("sends each method token's evidence measures: at zero strength VCD's are the baseline's own", async () => {
    const methods: ComparedMethod[] = [
      { method: 'vcd', params: { ...METHODS.vcd.defaults, alpha: 0 } },
      { method: 'ablation', params: { k: 3 } },
    ];
    const run = await runToEnd(tiny.engine, tiny.events, runParams({ methods }));
    const outliers = run.find((e) => e.type === 'run/outliers');
    if (outliers?.type !== 'run/outliers') throw new Error('no outliers');
    const evidence = (method: string) =>
      run.flatMap((e) => (e.type === 'run/method-evidence' && e.method === method ? [e] : []));
    // One per token, in step order.
    for (const { method } of methods)
      expect(evidence(method).map((e) => e.step)).toEqual(methodTokensOf(run, method).map((_, step) => step));
    // VCD at α 0 writes the baseline's tokens on the same full-prompt row: its measures are those of the baseline's
    // stored attention at each step, taken by the same core function.
    expect(methodTokensOf(run, 'vcd')).toEqual(tokensOf(run, 'baseline'));
    for (const { step, measures } of evidence('vcd')) {
      const detail = await tiny.engine['attn/detail']({ runId: outliers.runId, caption: 'baseline', step });
      const [layers, heads] = detail.dims;
      const expected = stepMeasures(detail.data, layers, heads, [...outliers.indices]);
      for (const name of ['share', 'overlap', 'entropy'] as const)
        measures[name].forEach((v, layer) =>
          expect(v, `${name} ${step} ${layer}`).toBeCloseTo(expected[name][layer], 6),
        );
    }
    // The ablation's row never held the outliers (its 3 include DAMRO's 2): no share on them at any layer.
    expect(evidence('ablation').length).toBeGreaterThan(0);
    for (const { measures } of evidence('ablation')) expect(measures.share).toEqual([0, 0]);
  });

  it('the ablation at the defaults decodes its own caption in the same run', async () => {
    const run = await runToEnd(
      tiny.engine,
      tiny.events,
      runParams({ captions: ['baseline'], methods: [{ method: 'ablation', params: { k: 3 } }] }),
    );
    expect(methodTokensOf(run, 'ablation').length).toBeGreaterThan(0);
    expect(run.at(-1)?.type).toBe('run/finished');
  });

  it('refuses an unknown parameter, a missing one, an out-of-range one and a repeated method before starting', async () => {
    const start = (methods: ComparedMethod[]) => tiny.engine['run/start'](runParams({ methods }));
    await expect(start([{ method: 'vcd', params: { alpha: 1, beta: 0.1, noiseStep: 500 } }])).rejects.toThrow(
      /VCD takes the numbers alpha, beta, noiseSeed, noiseStep; missing noiseSeed/,
    );
    await expect(start([{ method: 'm3id', params: { lambda: 0.02, beta: 0.1, gamma: 1 } }])).rejects.toThrow(
      /not allowed or not a number: gamma/,
    );
    await expect(start([{ method: 'avisc', params: { ...METHODS.avisc.defaults, layerGamma: 2 } }])).rejects.toThrow(
      /AvisC γ/,
    );
    await expect(
      start([
        { method: 'ablation', params: { k: 3 } },
        { method: 'ablation', params: { k: 4 } },
      ]),
    ).rejects.toThrow(/listed twice/);
  });
});
