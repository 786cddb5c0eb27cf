// The headless benchmark CLI end to end on the tiny synthetic llava in Node: a 12-question POPE subset over
// generated images named like the COCO files, run as two shards, merged, and scored; the printed metrics must
// equal the reference formulas over the merged answers, and the answer files must be reference records.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPopeAnswers, parsePopeQuestions, popeMetrics } from '../../src/core/metrics/pope';
import { repoData } from '../support/repo-data';
import { tinyLlavaFolder } from '../support/tiny-llava';
import { readJsonLines, runEvalCli, testPicture } from '../support/eval-cli';

const QUESTIONS = parsePopeQuestions(repoData('coder-gx__DAMRO/data/pope/coco/coco_pope_random.jsonl')).slice(0, 12);

let model: Awaited<ReturnType<typeof tinyLlavaFolder>>;
let work: string;

const cli = (...argv: string[]) => runEvalCli(argv);

beforeAll(async () => {
  model = await tinyLlavaFolder();
  work = mkdtempSync(join(tmpdir(), 'damro-eval-'));
  // One picture per POPE image, different per image, saved under the COCO name (PNG bytes in a .jpg, as people's
  // folders may hold).
  for (const [n, image] of [...new Set(QUESTIONS.map((q) => q.image))].entries()) {
    writeFileSync(join(work, image), testPicture(n, 3, 17));
  }
});
afterAll(() => {
  rmSync(model.root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('npm run eval (Node backend)', () => {
  const common = (shard: string) => [
    'pope',
    '--images',
    work,
    '--model',
    model.dir,
    '--split',
    'random',
    '--limit',
    '12',
    '--shard',
    shard,
    '--preset',
    'custom',
    '--k',
    '2',
    '--max-new-tokens',
    '6',
    '--out',
    join(work, `shard${shard[0]}`),
  ];

  it('runs two shards of a 12-question POPE subset, merges them and prints the reference metrics', async () => {
    for (const shard of ['0/2', '1/2']) {
      const run = await cli(...common(shard));
      expect(run.code, run.err).toBe(0);
      expect(run.err).toMatch(/6\/6 \(100\.0%\)/);
    }
    // Whole images per shard: the first image's six questions, then the second's.
    expect(readJsonLines(join(work, 'shard0', 'baseline.jsonl')).map((r) => r.question_id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(readJsonLines(join(work, 'shard1', 'damro.jsonl')).map((r) => r.question_id)).toEqual([7, 8, 9, 10, 11, 12]);

    const merged = join(work, 'merged');
    const merge = await cli('merge', '--out', merged, join(work, 'shard1'), join(work, 'shard0'));
    expect(merge.code, merge.err).toBe(0);
    const answers = {
      baseline: readJsonLines(join(merged, 'baseline.jsonl')),
      damro: readJsonLines(join(merged, 'damro.jsonl')),
    };
    for (const method of ['baseline', 'damro'] as const) {
      // run_pope.py's record, in the question file's order (eval_pope.py asserts ids line by line).
      expect(answers[method].map((r) => Object.keys(r))).toEqual(
        QUESTIONS.map(() => ['question_id', 'prompt', 'output', 'model_id', 'image']),
      );
      expect(answers[method].map((r) => [r.question_id, r.prompt, r.image])).toEqual(
        QUESTIONS.map((q) => [q.questionId, q.text, q.image]),
      );
      expect(answers[method].every((r) => typeof r.output === 'string' && r.model_id === model.dir)).toBe(true);
    }
    expect(answers.damro.map((r) => r.output)).not.toEqual(answers.baseline.map((r) => r.output));
    expect(readFileSync(join(merged, 'questions.jsonl'), 'utf8')).toBe(
      repoData('coder-gx__DAMRO/data/pope/coco/coco_pope_random.jsonl')
        .split('\n')
        .slice(0, 12)
        .map((l) => `${l}\n`)
        .join(''),
    );

    const expected = Object.fromEntries(
      (['baseline', 'damro'] as const).map((m) => [
        m,
        popeMetrics(
          countPopeAnswers(
            QUESTIONS,
            answers[m].map((r) => ({ questionId: r.question_id as number, output: r.output as string })),
          ),
        ),
      ]),
    );
    const { summary } = JSON.parse(readFileSync(join(merged, 'metrics.json'), 'utf8'));
    for (const metric of ['accuracy', 'precision', 'recall', 'f1', 'yesRatio'] as const) {
      const value = summary.rows[0].values[metric];
      for (const method of ['baseline', 'damro'] as const) {
        if (Number.isNaN(expected[method][metric])) expect(value[method], `${metric} ${method}`).toBeNull();
        else expect(value[method], `${metric} ${method}`).toBe(expected[method][metric]);
      }
    }
    const printed = (label: string) =>
      merge.out
        .split('\n')
        .find((l) => l.startsWith(label))
        ?.trim()
        .split(/\s{2,}/);
    const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : (100 * x).toFixed(2));
    expect(printed('Accuracy (%)')).toEqual([
      'Accuracy (%)',
      pct(expected.baseline.accuracy),
      pct(expected.damro.accuracy),
    ]);
    expect(printed('F1 (%)')).toEqual(['F1 (%)', pct(expected.baseline.f1), pct(expected.damro.f1)]);
    expect(printed('Yes ratio (%)')).toEqual([
      'Yes ratio (%)',
      pct(expected.baseline.yesRatio),
      pct(expected.damro.yesRatio),
    ]);
    expect(merge.out).toMatch(/^POPE random \(DAMRO\/VCD substring rule; 12 questions\)/);
  });

  it('resumes instead of asking again, and refuses to merge an incomplete set of shards', async () => {
    const before = readFileSync(join(work, 'shard0', 'damro.jsonl'), 'utf8');
    const again = await cli(...common('0/2'));
    expect(again.code).toBe(0);
    expect(again.err).toMatch(/6 questions \(6 already answered\)/);
    expect(readFileSync(join(work, 'shard0', 'damro.jsonl'), 'utf8')).toBe(before);
    const partial = await cli('merge', '--out', join(work, 'partial'), join(work, 'shard0'));
    expect(partial.code).toBe(2);
    expect(partial.err).toMatch(/6 of 12 questions have no answer \(7, 8, 9, 10, 11, …\)/);
    const other = await cli(
      'pope',
      '--images',
      work,
      '--model',
      model.dir,
      '--limit',
      '12',
      '--shard',
      '0/2',
      '--out',
      join(work, 'shard0'),
    );
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/belongs to a different run \(k, max new tokens differ\)/);
  });

  it('after a kill mid-write, merge refuses with the line; resume drops the half-written line, says so and asks again', async () => {
    const file = join(work, 'shard0', 'damro.jsonl');
    const whole = readFileSync(file, 'utf8');
    // The sixth (last) line cut in the middle, as power loss or kill -9 during the append leaves it.
    const lastStart = whole.lastIndexOf('\n', whole.length - 2) + 1;
    writeFileSync(file, whole.slice(0, lastStart + 20));
    const merge = await cli('merge', '--out', join(work, 'merged-cut'), join(work, 'shard0'), join(work, 'shard1'));
    expect(merge.code).toBe(2);
    expect(merge.err).toContain(`${join(work, 'shard0')} (damro) line 6 (the last) is half-written`);

    const resumed = await cli(...common('0/2'));
    expect(resumed.code).toBe(0);
    expect(resumed.err).toContain(
      `${join(work, 'shard0')} (damro) line 6 was half-written (the run stopped mid-write); it is dropped and its question asked again.`,
    );
    expect(resumed.err).toMatch(/6 questions \(5 already answered\)/);
    // Greedy answers: the question asked again gets the answer it had.
    expect(readFileSync(file, 'utf8')).toBe(whole);
    expect(
      (await cli('merge', '--out', join(work, 'merged-after'), join(work, 'shard0'), join(work, 'shard1'))).code,
    ).toBe(0);
  });

  it('records in run.json what was loaded (dtype per session, the outlier score that ran) and says so when the folder lacks the asked-for dtype', async () => {
    const out = join(work, 'q4-on-fp32');
    const run = await cli(
      'pope',
      '--images',
      work,
      '--model',
      model.dir,
      '--split',
      'random',
      '--limit',
      '6',
      '--dtype',
      'q4',
      '--cls-scorer',
      'head-mean',
      '--preset',
      'custom',
      '--k',
      '2',
      '--max-new-tokens',
      '2',
      '--out',
      out,
    );
    expect(run.code, run.err).toBe(0);
    expect(run.err).toMatch(/loaded fp32 \(q4 asked for; this model has no q4 files\)/);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).toMatchObject({
      dtype: 'q4',
      sessionDtypes: { vision: 'fp32', embed: 'fp32', decoder: 'fp32' },
      clsScorer: 'head-mean',
      scorer: { name: 'head-mean', faithful: true, label: expect.stringMatching(/InstructBLIP/) },
    });
  });
});
