import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/cli/args';
import { paperPreset } from '../../../src/core/eval/presets';
import { METHODS } from '../../../src/core/methods/registry';
import { runEvalCli } from '../../support/eval-cli';

const cli = (...argv: string[]) => runEvalCli(argv);

describe('npm run eval — command line', () => {
  it('prints the usage for --help and exits 0', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^usage:\n {2}npm run eval -- pope\|chair\|mme\|gpt4v/);
  });

  it.each([
    [['pope', '--images', 'x', '--model', 'm', '--out', 'o', '--colour', 'red'], /Unknown option '--colour'/],
    [['pope', '--images', 'x', '--model', 'm'], /--out DIR is required/],
    [['popes', '--out', 'o'], /the first argument is a benchmark \(pope, chair, mme, gpt4v\) or merge; got 'popes'/],
    [['pope', '--images', 'x', '--model', 'm', '--out', 'o', '--alpha', '2'], /--preset custom/],
    [
      ['gpt4v', '--images', 'x', '--model', 'm', '--out', 'o'],
      /gpt4v needs a judge: --judge-url URL --judge-model NAME/,
    ],
    [
      ['gpt4v', '--images', 'x', '--model', 'm', '--out', 'o', '--judge-url', 'http://127.0.0.1:1/v1'],
      /--judge-model NAME is required/,
    ],
    [
      [
        'gpt4v',
        '--images',
        'x',
        '--model',
        'm',
        '--out',
        'o',
        '--judge-url',
        'http://127.0.0.1:1/v1',
        '--judge-model',
        'j',
        '--concurrency',
        '0',
      ],
      /--concurrency must be a whole number ≥ 1/,
    ],
    [
      [
        'pope',
        '--images',
        'x',
        '--model',
        'm',
        '--out',
        'o',
        '--judge-url',
        'http://127.0.0.1:1/v1',
        '--judge-model',
        'j',
      ],
      /--judge-url is for gpt4v/,
    ],
    [['pope', '--images', 'x', '--model', 'm', '--out', 'o', '--vcd.alpha', '2'], /--vcd.alpha needs vcd in --methods/],
    [['pope', '--images', 'x', '--model', 'm', '--out', 'o', '--methods', 'damro'], /DAMRO always runs/],
    [['pope', '--images', 'x', '--model', 'm', '--out', 'o', '--methods', 'vcd,dola'], /"dola" is not one of them/],
    [
      ['pope', '--images', 'x', '--model', 'm', '--out', 'o', '--methods', 'vcd', '--vcd.alpha', 'lots'],
      /--vcd.alpha must be a number/,
    ],
    [
      ['pope', '--images', 'x', '--model', 'm', '--out', 'o', '--methods', 'ablation', '--ablation.k', '0'],
      /The ablation's k must be a whole number ≥ 1, got 0/,
    ],
  ])('refuses %j with a message and the usage, exit 2', async (argv, message) => {
    const { code, err } = await cli(...argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toContain('usage:');
  });

  it("names compared methods with their papers' defaults, each overridable by --METHOD.PARAM, under any preset", () => {
    const command = parseCommand([
      'pope',
      '--images',
      'x',
      '--model',
      'm',
      '--out',
      'o',
      '--methods',
      'vcd, m3id',
      '--vcd.alpha',
      '0.5',
    ]);
    if (command.kind !== 'run') throw new Error('not a run');
    expect(command.config.settings.methods).toEqual([
      { method: 'vcd', params: { ...METHODS.vcd.defaults, alpha: 0.5 } },
      { method: 'm3id', params: { ...METHODS.m3id.defaults } },
    ]);
    expect(command.config.settings.damro).toEqual(paperPreset('pope').settings.damro);
    const plain = parseCommand(['pope', '--images', 'x', '--model', 'm', '--out', 'o']);
    expect(plain.kind === 'run' && 'methods' in plain.config.settings).toBe(false);
  });

  it('decides on the usage by the error code, not the message text', async () => {
    // A bad split is caught by the shared benchmark check ('bad-request'); on the command line it is an argument error.
    const split = await cli('pope', '--images', 'x', '--model', 'm', '--out', 'o', '--split', 'nope');
    expect(split.code).toBe(2);
    expect(split.err).toMatch(/POPE \(COCO\) has no split 'nope'/);
    expect(split.err).toContain('usage:');
    // A folder that cannot be read mentions --images but is not a malformed command: no usage.
    const folder = await cli('pope', '--images', '/nonexistent/damro-images', '--model', 'm', '--out', 'o');
    expect(folder.code).toBe(2);
    expect(folder.err).toMatch(/Cannot list the image folder \/nonexistent\/damro-images; check --images\./);
    expect(folder.err).not.toContain('usage:');
  });
});
