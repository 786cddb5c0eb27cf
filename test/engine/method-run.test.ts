// A run with compared methods through the real engine on the tiny llava: their captions stream as their own events
// in the same run, at zero strength they equal the baseline, VCD adds one (uncached) vision pass, and bad choices are
// refused before the run starts.
import { describe, expect, it } from 'vitest';
import { METHODS } from '../../src/core/methods/registry';
import type { ComparedMethod, WorkerEvent } from '../../src/protocol/messages';
import { runParams, runToEnd, tokensOf, useTinyEngine } from '../support/tiny-llava';

const tiny = useTinyEngine();

const methodTokens = (events: WorkerEvent[], method: string) =>
  events.flatMap((e) => (e.type === 'run/method-token' && e.method === method ? [e.tokenId] : []));
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
      expect(methodTokens(run, method), method).toEqual(baseline);
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

  it('the ablation at the defaults decodes its own caption in the same run', async () => {
    const run = await runToEnd(
      tiny.engine,
      tiny.events,
      runParams({ captions: ['baseline'], methods: [{ method: 'ablation', params: { k: 3 } }] }),
    );
    expect(methodTokens(run, 'ablation').length).toBeGreaterThan(0);
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
