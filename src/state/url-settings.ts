// Settings ⇄ query string, so a link reproduces a setup. Decoding never throws: a bad value keeps the default
// and is reported, because a mistyped link should still open the app and say what it ignored.
import type { NormalizerName } from '../core/attention/normalize';
import { METHODS, withDefaults } from '../core/methods/registry';
import type { ClsScorer, ComparedMethodName, Dtype, NoClsScorer } from '../protocol/messages';
import {
  CLS_SCORERS,
  COMPARABLE_METHODS,
  DEFAULT_SETTINGS,
  DTYPES,
  NO_CLS_SCORERS,
  NORMALIZER_NAMES,
  SETTING_LIMITS,
  type DecodingMode,
  type Settings,
} from './settings';

/** Query keys, short because they end up in links. */
export const URL_KEYS = {
  modelId: 'model',
  dtype: 'dtype',
  noClsScorer: 'nocls',
  clsScorer: 'cls',
  alpha: 'alpha',
  beta: 'beta',
  k: 'k',
  mode: 'mode',
  seed: 'seed',
  maxNewTokens: 'max',
  prompt: 'prompt',
  layers: 'layers',
  head: 'head',
  colormap: 'cmap',
  normalize: 'norm',
  methods: 'compare',
} as const;

export interface DecodedSettings {
  readonly settings: Settings;
  /** One sentence per ignored parameter. */
  readonly problems: readonly string[];
}

export interface CodecOptions {
  /** Colormap names the app can draw (src/viz/colormap), injected because state does not depend on viz. */
  readonly colormaps: readonly string[];
}

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

function number(raw: string, limits: { min: number; max: number }, integer: boolean): number | undefined {
  if (!/^-?\d+(\.\d+)?([eE]-?\d+)?$/.test(raw)) return undefined;
  const value = Number(raw);
  if (integer && !Number.isInteger(value)) return undefined;
  return value >= limits.min && value <= limits.max ? value : undefined;
}

function oneOf<T extends string>(raw: string, allowed: readonly T[]): T | undefined {
  return (allowed as readonly string[]).includes(raw) ? (raw as T) : undefined;
}

/** One key per compared method's hyper-parameter, "vcd.alpha" and so on. */
export const METHOD_PARAM_KEYS: readonly { method: ComparedMethodName; name: string; key: string }[] =
  COMPARABLE_METHODS.flatMap((method) =>
    Object.keys(METHODS[method].defaults).map((name) => ({ method, name, key: `${method}.${name}` })),
  );

/** "vcd,avisc" → those methods, each once, at most SETTING_LIMITS.methods; "" → none. */
function methodList(raw: string): ComparedMethodName[] | undefined {
  const names = raw ? raw.split(',') : [];
  const methods = names.map((name) => oneOf(name, COMPARABLE_METHODS));
  if (methods.some((m) => m === undefined) || new Set(names).size !== names.length) return undefined;
  return names.length <= SETTING_LIMITS.methods ? (methods as ComparedMethodName[]) : undefined;
}

/** "2-6" → layers [2, 6); "2-" → from 2 to the last layer. */
function layerRange(raw: string): { layerFrom: number; layerTo: number | null } | undefined {
  const match = /^(\d+)-(\d*)$/.exec(raw);
  if (!match) return undefined;
  const layerFrom = Number(match[1]);
  const layerTo = match[2] === '' ? null : Number(match[2]);
  if (
    layerFrom >= SETTING_LIMITS.layers.max ||
    (layerTo !== null && (layerTo <= layerFrom || layerTo > SETTING_LIMITS.layers.max))
  )
    return undefined;
  return { layerFrom, layerTo };
}

function head(raw: string): Settings['head'] | undefined {
  if (raw === 'mean') return 'mean';
  return /^\d{1,4}$/.test(raw) ? Number(raw) : undefined;
}

export function decodeSettings(
  query: string,
  options: CodecOptions,
  base: Settings = DEFAULT_SETTINGS,
): DecodedSettings {
  const params = new URLSearchParams(query);
  const problems: string[] = [];
  const next: { -readonly [K in keyof Settings]: Settings[K] } = { ...base };
  const read = <T>(
    key: string,
    parse: (raw: string) => T | undefined,
    expected: string,
    apply: (value: T) => void,
  ): void => {
    const raw = params.get(key);
    if (raw === null) return;
    const value = parse(raw);
    if (value === undefined) problems.push(`Ignored ${key}=${JSON.stringify(raw)}: expected ${expected}.`);
    else apply(value);
  };
  const L = SETTING_LIMITS;
  read(
    URL_KEYS.modelId,
    (r) => (MODEL_ID.test(r) ? r : undefined),
    'a model id such as synthetic-llava-tiny or owner/name',
    (v) => (next.modelId = v),
  );
  read(
    URL_KEYS.dtype,
    (r) => oneOf<Dtype>(r, DTYPES),
    DTYPES.join(', '),
    (v) => (next.dtype = v),
  );
  read(
    URL_KEYS.noClsScorer,
    (r) => oneOf<NoClsScorer>(r, NO_CLS_SCORERS),
    NO_CLS_SCORERS.join(', '),
    (v) => (next.noClsScorer = v),
  );
  read(
    URL_KEYS.clsScorer,
    (r) => oneOf<ClsScorer>(r, CLS_SCORERS),
    CLS_SCORERS.join(', '),
    (v) => (next.clsScorer = v),
  );
  read(
    URL_KEYS.alpha,
    (r) => number(r, L.alpha, false),
    `a number from ${L.alpha.min} to ${L.alpha.max}`,
    (alpha) => (next.damro = { ...next.damro, alpha }),
  );
  read(
    URL_KEYS.beta,
    (r) => number(r, L.beta, false),
    'a number in [0, 1]',
    (beta) => (next.damro = { ...next.damro, beta }),
  );
  read(
    URL_KEYS.k,
    (r) => number(r, L.k, true),
    `a whole number from ${L.k.min} to ${L.k.max}`,
    (k) => (next.damro = { ...next.damro, k }),
  );
  read(
    URL_KEYS.mode,
    (r) => oneOf<DecodingMode>(r, ['greedy', 'sample']),
    'greedy or sample',
    (v) => (next.mode = v),
  );
  read(
    URL_KEYS.seed,
    (r) => number(r, L.seed, true),
    `a whole number from 0 to ${L.seed.max}`,
    (v) => (next.seed = v),
  );
  read(
    URL_KEYS.maxNewTokens,
    (r) => number(r, L.maxNewTokens, true),
    `a whole number from 1 to ${L.maxNewTokens.max}`,
    (v) => (next.maxNewTokens = v),
  );
  read(
    URL_KEYS.prompt,
    (r) => (r.trim() && r.length <= L.promptLength ? r : undefined),
    `a non-empty prompt of at most ${L.promptLength} characters`,
    (v) => (next.prompt = v),
  );
  read(URL_KEYS.layers, layerRange, 'a layer range such as 0-4 or 2- (through the last layer)', (v) =>
    Object.assign(next, v),
  );
  read(URL_KEYS.head, head, 'mean or a head number', (v) => (next.head = v));
  read(
    URL_KEYS.colormap,
    (r) => oneOf(r, options.colormaps),
    options.colormaps.join(', '),
    (v) => (next.colormap = v),
  );
  read(
    URL_KEYS.normalize,
    (r) => oneOf<NormalizerName>(r, NORMALIZER_NAMES),
    NORMALIZER_NAMES.join(', '),
    (v) => (next.normalize = v),
  );
  read(
    URL_KEYS.methods,
    methodList,
    `up to ${SETTING_LIMITS.methods} of ${COMPARABLE_METHODS.join(', ')}, separated by commas`,
    (v) => (next.methods = v),
  );
  const methodParams: Record<string, Record<string, number>> = {};
  for (const { method, name, key } of METHOD_PARAM_KEYS) {
    const raw = params.get(key);
    if (raw === null) continue;
    const value = number(raw, { min: -Infinity, max: Infinity }, false);
    const own = { ...methodParams[method], [name]: value ?? NaN };
    try {
      METHODS[method].validate({ ...METHODS[method].defaults, ...own } as never);
      methodParams[method] = own;
    } catch (error) {
      problems.push(
        `Ignored ${key}="${raw}": ${value === undefined ? 'expected a number.' : (error as Error).message}`,
      );
    }
  }
  if (Object.keys(methodParams).length) next.methodParams = methodParams;
  return { settings: next, problems };
}

/** Every setting, so a link reproduces the setup even if a later version changes the defaults. */
export function encodeSettings(settings: Settings): URLSearchParams {
  return new URLSearchParams([
    [URL_KEYS.modelId, settings.modelId],
    [URL_KEYS.dtype, settings.dtype],
    [URL_KEYS.noClsScorer, settings.noClsScorer],
    [URL_KEYS.clsScorer, settings.clsScorer],
    [URL_KEYS.alpha, String(settings.damro.alpha)],
    [URL_KEYS.beta, String(settings.damro.beta)],
    [URL_KEYS.k, String(settings.damro.k)],
    [URL_KEYS.mode, settings.mode],
    [URL_KEYS.seed, String(settings.seed)],
    [URL_KEYS.maxNewTokens, String(settings.maxNewTokens)],
    [URL_KEYS.prompt, settings.prompt],
    [URL_KEYS.layers, `${settings.layerFrom}-${settings.layerTo ?? ''}`],
    [URL_KEYS.head, String(settings.head)],
    [URL_KEYS.colormap, settings.colormap],
    [URL_KEYS.normalize, settings.normalize],
    [URL_KEYS.methods, settings.methods.join(',')],
    // The chosen methods' every hyper-parameter, defaults included, for the same reason as above.
    ...METHOD_PARAM_KEYS.filter(({ method }) => settings.methods.includes(method)).map(
      ({ method, name, key }): [string, string] => [
        key,
        String(settings.methodParams[method]?.[name] ?? withDefaults(method).params[name]),
      ],
    ),
  ]);
}

/** The page's query with the settings keys replaced and any other keys kept. */
export function withSettings(query: string, settings: Settings): string {
  const params = new URLSearchParams(query);
  for (const key of [...Object.values(URL_KEYS), ...METHOD_PARAM_KEYS.map((k) => k.key)]) params.delete(key);
  for (const [key, value] of encodeSettings(settings)) params.set(key, value);
  return params.toString();
}
