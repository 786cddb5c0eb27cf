import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/state/settings';
import { decodeSettings, encodeSettings, withSettings } from '../../../src/state/url-settings';

const options = { colormaps: ['viridis', 'magma'] };

describe('settings in the URL', () => {
  it('round-trips every setting, including a prompt with reserved characters', () => {
    const settings: Settings = {
      modelId: 'owner/some-model.v2',
      dtype: 'q4',
      noClsScorer: 'token-norm',
      clsScorer: 'head-mean',
      damro: { alpha: 0.5, beta: 0.25, k: 7 },
      mode: 'sample',
      seed: 1234,
      maxNewTokens: 64,
      prompt: 'What is in the image? & why = "this"/#1',
      layerFrom: 2,
      layerTo: 6,
      head: 3,
      colormap: 'magma',
      normalize: 'log',
      methods: ['avisc', 'vcd'],
      methodParams: {
        avisc: { alpha: 2.5, beta: 0.1, layerGamma: 0.5, lambda: 1 },
        vcd: { alpha: 1, beta: 0.2, noiseStep: 999, noiseSeed: 7 },
      },
    };
    const query = encodeSettings(settings).toString();
    expect(decodeSettings(query, options)).toEqual({ settings, problems: [] });
  });

  it('writes an open layer range as "from-" and reads it back as through the last layer', () => {
    const query = encodeSettings({ ...DEFAULT_SETTINGS, layerFrom: 3, layerTo: null }).toString();
    expect(new URLSearchParams(query).get('layers')).toBe('3-');
    expect(decodeSettings(query, options).settings).toMatchObject({ layerFrom: 3, layerTo: null });
  });

  it('keeps the default for each bad value and names what it ignored', () => {
    const { settings, problems } = decodeSettings(
      'alpha=-1&beta=-0.5&k=2.5&mode=beam&seed=x&max=0&layers=5-2&head=avg&cmap=rainbow&norm=zscore&dtype=int8&prompt=%20&model=../etc&nocls=cls&cls=mean',
      options,
    );
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(problems).toHaveLength(15);
    expect(problems).toContain('Ignored cls="mean": expected clip-single-head, head-mean.');
    expect(problems).toContain('Ignored nocls="cls": expected mean-received-attention, token-norm.');
    expect(problems[0]).toBe('Ignored model="../etc": expected a model id such as synthetic-llava-tiny or owner/name.');
    expect(problems).toContain('Ignored cmap="rainbow": expected viridis, magma.');
  });

  it('accepts the boundary values and nothing past them', () => {
    expect(decodeSettings('beta=1&alpha=0&k=1', options).problems).toEqual([]);
    // β = 0 keeps every token (the reference's cutoff is −∞), so it is a setting, not a mistake.
    expect(decodeSettings('beta=0', options)).toEqual({
      settings: { ...DEFAULT_SETTINGS, damro: { ...DEFAULT_SETTINGS.damro, beta: 0 } },
      problems: [],
    });
    expect(decodeSettings('beta=', options).problems).toHaveLength(1);
    expect(decodeSettings('beta=1.01', options).problems).toHaveLength(1);
    expect(decodeSettings('max=1024', options).settings.maxNewTokens).toBe(1024);
    expect(decodeSettings('max=1025', options).settings.maxNewTokens).toBe(DEFAULT_SETTINGS.maxNewTokens);
  });

  it('reads up to three compared methods, each once, and refuses anything else by name', () => {
    expect(decodeSettings('compare=m3id,ablation,vcd', options)).toEqual({
      settings: { ...DEFAULT_SETTINGS, methods: ['m3id', 'ablation', 'vcd'] },
      problems: [],
    });
    expect(decodeSettings('compare=', options).settings.methods).toEqual([]);
    for (const bad of ['vcd,vcd', 'damro', 'vcd,m3id,avisc,ablation', 'VCD'])
      expect(decodeSettings(`compare=${bad}`, options).problems, bad).toEqual([
        `Ignored compare="${bad}": expected up to 3 of vcd, m3id, avisc, ablation, separated by commas.`,
      ]);
  });

  it('reads a compared method’s hyper-parameters and refuses a value its paper’s bounds exclude, saying why', () => {
    const { settings, problems } = decodeSettings(
      'compare=vcd&vcd.alpha=3&vcd.noiseStep=1000&m3id.lambda=x&avisc.layerGamma=0.9',
      options,
    );
    expect(settings.methodParams).toEqual({ vcd: { alpha: 3 }, avisc: { layerGamma: 0.9 } });
    expect(problems).toEqual([
      'Ignored vcd.noiseStep="1000": VCD noise step must be a whole number in [0, 999], got 1000.',
      'Ignored m3id.lambda="x": expected a number.',
    ]);
    // A link writes every hyper-parameter of each chosen method, and only of those.
    const link = new URLSearchParams(withSettings('', settings));
    expect([link.get('vcd.alpha'), link.get('vcd.beta'), link.get('vcd.noiseStep')]).toEqual(['3', '0.1', '500']);
    expect(link.has('avisc.layerGamma')).toBe(false);
  });

  it('replaces only its own keys in a page query', () => {
    const query = withSettings('tab=bench&k=3', { ...DEFAULT_SETTINGS, damro: { ...DEFAULT_SETTINGS.damro, k: 5 } });
    const params = new URLSearchParams(query);
    expect(params.get('tab')).toBe('bench');
    expect(params.getAll('k')).toEqual(['5']);
  });
});
