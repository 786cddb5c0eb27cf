// `npm run eval -- gpt4v` end to end in Node: the tiny synthetic llava answers three GPT-4V-aided images' nine
// instructions, then a real chat-completions server on loopback judges them (a 500, a 429 and a malformed answer
// on the way, one image whose judge never answers in the format). Nothing is sent without --yes; the
// averages leave the malformed items out and say how many; a second run resumes without a request; the key
// is in no file the run writes and in nothing it prints.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkSummary } from '../../src/core/eval/benchmark';
import { gpt4vBenchmark } from '../../src/core/eval/gpt4v-benchmark';
import { judgePrompt } from '../../src/core/eval/judge';
import { repoData } from '../support/repo-data';
import { startJudgeServer, troubledJudging, type JudgeServer } from '../support/judge-server';
import { tinyLlavaFolder } from '../support/tiny-llava';
import { gpt4vAnswerArgs, runEvalCli, testPicture } from '../support/eval-cli';

const KEY = 'sk-cli-secret-5f4dcc3b5aa765d61d8327deb882cf99';
const JUDGE = 'judge-vision';
const items = gpt4vBenchmark
  .parse({ 'coder-gx__DAMRO/data/gpt4v/gpt4v.jsonl': repoData('coder-gx__DAMRO/data/gpt4v/gpt4v.jsonl') }, 'coco30')
  .slice(0, 9);
const names = [...new Set(items.map((i) => i.image))];

let model: Awaited<ReturnType<typeof tinyLlavaFolder>>;
let work: string;
let server: JudgeServer;
const pictures: Uint8Array[] = [];

beforeAll(async () => {
  model = await tinyLlavaFolder();
  work = mkdtempSync(join(tmpdir(), 'damro-gpt4v-'));
  for (const [n, image] of names.entries()) {
    pictures.push(testPicture(n, 3, 13));
    writeFileSync(join(work, image), pictures[n]);
  }
  server = await startJudgeServer({
    apiKey: KEY,
    model: JUDGE,
    images: troubledJudging(names, pictures, '**Accuracy:** 7 7\n**Detailedness:** 7 7'),
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(model.root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const cli = (...argv: string[]) => runEvalCli(argv, { JUDGE_API_KEY: KEY });

const OUT = () => join(work, 'out');
/** Answering the three images' nine items; the judge's options follow. */
const answerArgs = () => gpt4vAnswerArgs(work, model.dir, 7);
const args = (...more: string[]) => [
  ...answerArgs(),
  '--out',
  OUT(),
  '--judge-url',
  server.baseUrl,
  '--judge-model',
  JUDGE,
  '--concurrency',
  '3',
  ...more,
];

describe('npm run eval -- gpt4v (Node backend, loopback judge)', () => {
  it('says where the images would go and how many requests, and sends nothing, without --yes', async () => {
    const run = await cli(...args());
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      `gpt4v: judging sends 9 requests to ${server.baseUrl}/chat/completions (model ${JUDGE}), one per item still to judge (0 already judged), each with one of 3 images and both answers; an answer that does not parse is asked again, up to 5 times per item. Nothing was sent; run the same command with --yes to agree.`,
    );
    expect(server.seen).toHaveLength(0);
  });

  it('answers, judges and averages the parsed verdicts, listing the malformed ones, with the key nowhere', async () => {
    const run = await cli(...args('--yes'));
    expect(run.code, run.err).toBe(0);
    // Image 0: a 500 then verdicts (3 items + 1 retry); image 1: a 429, a malformed answer asked again, verdicts (3 +
    // 2); image 2: 5 tries × 3 items.
    expect(server.seen.filter((r) => r.image === names[0])).toHaveLength(4);
    expect(server.seen.filter((r) => r.image === names[1])).toHaveLength(5);
    expect(server.seen.filter((r) => r.image === names[2])).toHaveLength(15);
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
    const records = (method: string) =>
      readFileSync(join(OUT(), `${method}.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; prompt: string; output: string });
    const [baseline, damro] = [records('baseline'), records('damro')];
    expect(baseline.map((r) => r.prompt)).toEqual(items.map((i) => i.prompt));
    const prompts = new Set(server.seen.map((r) => r.prompt));
    baseline.forEach((r, i) => expect(prompts.has(judgePrompt(r.output, damro[i].output)), r.prompt).toBe(true));

    const { summary } = JSON.parse(readFileSync(join(OUT(), 'metrics.json'), 'utf8')) as { summary: BenchmarkSummary };
    // Six items scored: three at (6, 8 | 5, 7) and three at (4, 9 | 3, 8): accuracy 30/6 = 5 and 51/6 = 8.5,
    // detailedness 24/6 = 4 and 45/6 = 7.5.
    expect(summary.rows[0]).toEqual({
      group: 'all',
      values: { accuracy: { baseline: 5, damro: 8.5 }, detailedness: { baseline: 4, damro: 7.5 } },
    });
    expect(summary.notes).toEqual([
      '6 of 9 items scored',
      '3 malformed judge answers left out of the averages',
      'Assistant 1 = baseline, Assistant 2 = DAMRO',
    ]);
    expect(summary.items!.map((s) => s.problem === undefined)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(run.out).toContain(`${model.dir} (this run)`);
    expect(run.out).toMatch(/\(this run\)\s+5\.000 \/ 4\.000\s+8\.500 \/ 7\.500/);
    expect(run.out).toContain(
      `no scores: ${names[2]} (conv): Accuracy: expected two scores separated by one space, got ""`,
    );
    const judgements = readFileSync(join(OUT(), 'judgements.jsonl'), 'utf8').trim().split('\n');
    expect(judgements).toHaveLength(9);

    for (const file of readdirSync(OUT())) expect(readFileSync(join(OUT(), file), 'utf8'), file).not.toContain(KEY);
    expect(`${run.out}\n${run.err}`).not.toContain(KEY);
    expect(server.seen.every((r) => r.authorization === `Bearer ${KEY}` && !r.url.includes(KEY))).toBe(true);
  });

  it('resumes: a second run asks the judge nothing and prints the same table', async () => {
    const before = server.seen.length;
    const first = readFileSync(join(OUT(), 'metrics.json'), 'utf8');
    const run = await cli(...args('--yes'));
    expect(run.code, run.err).toBe(0);
    expect(server.seen).toHaveLength(before);
    expect(run.err).toContain('(9 already judged)');
    expect(readFileSync(join(OUT(), 'metrics.json'), 'utf8')).toBe(first);
  });

  it('judges on merge when the answers come from shards, to the same scores', async () => {
    const shard = (i: number) => join(work, `shard${i}`);
    for (const i of [0, 1]) {
      const run = await cli(...answerArgs(), '--shard', `${i}/2`, '--out', shard(i));
      expect(run.code, run.err).toBe(0);
    }
    const merged = join(work, 'merged');
    const refused = await cli('merge', '--out', merged, shard(0), shard(1));
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(
      'Merging gpt4v shards judges the answers: pass --images DIR --judge-url URL --judge-model NAME.',
    );
    const before = server.seen.length;
    const run = await cli(
      'merge',
      '--out',
      merged,
      shard(0),
      shard(1),
      '--images',
      work,
      '--judge-url',
      server.baseUrl,
      '--judge-model',
      JUDGE,
      '--yes',
    );
    expect(run.code, run.err).toBe(0);
    // The scripts' failures were used up by the first run: one verdict per good item, five tries per malformed one.
    expect(server.seen.length - before).toBe(6 + 15);
    const { summary } = JSON.parse(readFileSync(join(merged, 'metrics.json'), 'utf8')) as { summary: BenchmarkSummary };
    const { summary: single } = JSON.parse(readFileSync(join(OUT(), 'metrics.json'), 'utf8')) as {
      summary: BenchmarkSummary;
    };
    expect(summary.rows).toEqual(single.rows);
    expect(summary.items!.map((s) => [s.key, s.problem === undefined])).toEqual(
      single.items!.map((s) => [s.key, s.problem === undefined]),
    );
  });
});
