// `npm run eval -- pope --methods vcd,ablation` on the tiny synthetic llava in Node: one run over two images answers
// baseline, DAMRO and both compared methods, one reference answers file each, and the merged table has a column per
// method whose values are the reference formulas over that method's file. Oracle for the loop: VCD at α 0 under
// greedy decoding scores with the full branch alone, so its answers must equal the baseline's.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS } from '../../src/core/methods/registry';
import { countPopeAnswers, parsePopeQuestions, popeMetrics } from '../../src/core/metrics/pope';
import { repoData } from '../support/repo-data';
import { tinyLlavaFolder } from '../support/tiny-llava';
import { readJsonLines, runEvalCli, testPicture } from '../support/eval-cli';

const QUESTIONS = parsePopeQuestions(repoData('coder-gx__DAMRO/data/pope/coco/coco_pope_random.jsonl')).slice(0, 12);
const COLUMNS = ['baseline', 'damro', 'vcd', 'ablation'] as const;

let model: Awaited<ReturnType<typeof tinyLlavaFolder>>;
let work: string;

const cli = (...argv: string[]) => runEvalCli(argv);

beforeAll(async () => {
  model = await tinyLlavaFolder();
  work = mkdtempSync(join(tmpdir(), 'damro-eval-methods-'));
  for (const [n, image] of [...new Set(QUESTIONS.map((q) => q.image))].entries()) {
    writeFileSync(join(work, image), testPicture(n, 5, 13));
  }
});
afterAll(() => {
  rmSync(model.root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('npm run eval with compared methods (Node backend)', () => {
  const out = () => join(work, 'run');
  const compared = ['--methods', 'vcd,ablation', '--vcd.alpha', '0', '--ablation.k', '3'];
  const command = (methods = compared, dir = out()) => [
    'pope',
    '--images',
    work,
    '--model',
    model.dir,
    '--limit',
    '12',
    '--preset',
    'custom',
    '--k',
    '2',
    '--mode',
    'greedy',
    '--max-new-tokens',
    '6',
    ...methods,
    '--out',
    dir,
  ];

  it('writes answers for every method and a table with a column per method', async () => {
    const run = await cli(...command());
    expect(run.code, run.err).toBe(0);
    const answers = Object.fromEntries(COLUMNS.map((m) => [m, readJsonLines(join(out(), `${m}.jsonl`))]));
    for (const method of COLUMNS) {
      expect(
        answers[method].map((r) => [r.question_id, r.prompt, r.image]),
        method,
      ).toEqual(QUESTIONS.map((q) => [q.questionId, q.text, q.image]));
      expect(answers[method].every((r) => typeof r.output === 'string' && r.model_id === model.dir)).toBe(true);
    }
    const outputs = (method: string) => answers[method].map((r) => r.output);
    expect(outputs('vcd')).toEqual(outputs('baseline'));
    expect(outputs('ablation')).not.toEqual(outputs('baseline'));

    const { config, summary } = JSON.parse(readFileSync(join(out(), 'metrics.json'), 'utf8'));
    expect(config.settings.methods).toEqual([
      { method: 'vcd', params: { ...METHODS.vcd.defaults, alpha: 0 } },
      { method: 'ablation', params: { k: 3 } },
    ]);
    const expected = Object.fromEntries(
      COLUMNS.map((m) => [
        m,
        popeMetrics(
          countPopeAnswers(
            QUESTIONS,
            answers[m].map((r) => ({ questionId: r.question_id as number, output: r.output as string })),
          ),
        ),
      ]),
    );
    for (const metric of ['accuracy', 'precision', 'recall', 'f1', 'yesRatio'] as const) {
      const value = summary.rows[0].values[metric];
      expect(Object.keys(value)).toEqual([...COLUMNS]);
      for (const method of COLUMNS) {
        if (Number.isNaN(expected[method][metric])) expect(value[method], `${metric} ${method}`).toBeNull();
        else expect(value[method], `${metric} ${method}`).toBe(expected[method][metric]);
      }
    }
    const lines = run.out.split('\n');
    expect(lines[1].trim().split(/\s{2,}/)).toEqual(['baseline', 'DAMRO', 'VCD', 'Outliers removed']);
    const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : (100 * x).toFixed(2));
    expect(
      lines
        .find((l) => l.startsWith('Accuracy (%)'))
        ?.trim()
        .split(/\s{2,}/),
    ).toEqual(['Accuracy (%)', ...COLUMNS.map((m) => pct(expected[m].accuracy))]);
  });

  it('resumes with every method answered, and refuses to resume with other methods', async () => {
    const again = await cli(...command());
    expect(again.code, again.err).toBe(0);
    expect(again.err).toMatch(/12 questions \(12 already answered\)/);
    const refused = await cli(...command(['--methods', 'vcd,m3id', '--vcd.alpha', '0']));
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/belongs to a different run \(compared methods differ\)/);
  });

  it('merges shards of such a run into the same answers files and table as the single run', async () => {
    const shards = [0, 1].map((i) => join(work, `shard${i}`));
    for (const [i, dir] of shards.entries()) {
      const run = await cli(...command([...compared, '--shard', `${i}/2`], dir));
      expect(run.code, run.err).toBe(0);
    }
    const merged = join(work, 'merged');
    const merge = await cli('merge', '--out', merged, ...shards.reverse());
    expect(merge.code, merge.err).toBe(0);
    for (const method of COLUMNS)
      expect(readFileSync(join(merged, `${method}.jsonl`), 'utf8'), method).toBe(
        readFileSync(join(out(), `${method}.jsonl`), 'utf8'),
      );
    const summary = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')).summary;
    expect(summary(merged)).toEqual(summary(out()));
  });
});
