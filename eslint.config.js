// Lint enforces the layer rule of the architecture: dependencies point downward only, and each heavy
// dependency enters through exactly one module.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const LAYERS = [
  'protocol',
  'core',
  'engine',
  'net',
  'client',
  'state',
  'controllers',
  'viz',
  'components',
  'app',
  'factory',
  'cli',
];
// Which layers each layer may import from (besides itself).
const ALLOWED = {
  protocol: [],
  core: ['protocol'],
  engine: ['core', 'protocol'],
  // HTTP to services a person names (the benchmark judge): plain fetch, shared by the site and the CLI.
  net: ['core', 'protocol'],
  // Transport only: the RPC client to the worker and the browser's storage; it knows nothing of the store.
  client: ['protocol'],
  state: ['protocol', 'core'],
  // The page's commands (the visualiser's and the benchmark panel's): they call the worker through client and
  // report into state through its actions.
  controllers: ['client', 'state', 'net', 'core', 'protocol'],
  viz: ['core', 'protocol'],
  components: ['controllers', 'state', 'viz', 'client', 'core', 'protocol'],
  app: ['components', 'controllers', 'client', 'state', 'viz', 'net', 'core', 'protocol'],
  // Build-time model factory (Node): pure logic plus node:*, nothing from the site.
  factory: ['core', 'protocol'],
  // Headless benchmark CLI (Node): hosts the engine in-process or drives the built site; writes the site's
  // charts as SVG files through viz's pure string renderers; calls a judge endpoint through net.
  cli: ['engine', 'viz', 'net', 'core', 'protocol'],
};

const FUNNELS = [
  {
    pattern: '^(onnxruntime-web(/.*)?|#onnxruntime-web)$',
    owner: 'src/engine/runtime/ort.ts',
    name: 'onnxruntime-web',
  },
  {
    pattern: '^@huggingface/transformers(/.*)?$',
    owner: 'src/engine/runtime/hf.ts',
    name: '@huggingface/transformers',
  },
  { pattern: '^zustand(/.*)?$', owner: 'src/state/store.ts', name: 'zustand' },
];

const funnelPattern = (f) => ({
  regex: f.pattern,
  message: `Only ${f.owner} imports ${f.name}; import from it instead.`,
});

function layerRule(layer, exempt) {
  const forbidden = LAYERS.filter((other) => other !== layer && !ALLOWED[layer].includes(other));
  const patterns = [
    ...FUNNELS.filter((f) => f.name !== exempt).map(funnelPattern),
    {
      regex: `(^|/)(${forbidden.join('|')})(/|$)`,
      message: `src/${layer} may import only from ${ALLOWED[layer].join(', ') || 'nothing'} (architecture.md §2).`,
    },
  ];
  if (layer === 'core') {
    patterns.push({
      regex: '^(react|react-dom|d3(-.*)?)(/.*)?$',
      message: 'src/core is pure logic: no React, no d3, no DOM.',
    });
  }
  return {
    files: [`src/${layer}/**/*.{ts,tsx}`],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'dist-harness/**', 'dist-bench/**', 'node_modules/**', 'public/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { patterns: FUNNELS.map(funnelPattern) }],
      // Prettier wraps code at 120 columns but leaves comments alone; long messages and patterns may stay on one line.
      'max-len': [
        'error',
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
    },
  },
  ...LAYERS.map(layerRule),
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'self', 'fetch', 'Worker'].map((name) => ({
          name,
          message: 'src/core is pure: pass in what it needs.',
        })),
      ],
    },
  },
  // Each funnel module keeps its layer's rule but may import its own dependency.
  ...FUNNELS.map((f) => {
    const layer = f.owner.split('/')[1];
    const rule = layerRule(layer, f.name);
    return { ...rule, files: [f.owner] };
  }),
  {
    files: ['workers/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 30, skipBlankLines: true, skipComments: true }] },
  },
);
