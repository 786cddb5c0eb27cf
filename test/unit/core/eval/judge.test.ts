// The GPT-4V-aided judge's pure parts: the reference prompt (checked against the spec's quotation), the request
// body, base64 against Node's own encoder, the score parsing by eval_gpt4v.py's rules with each failure named,
// the back-off, and the per-item table and averages worked out by hand.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { formatAD, gpt4vBenchmark, gpt4vComparison, type Gpt4vItem } from '../../../../src/core/eval/gpt4v-benchmark';
import {
  base64,
  imageDataUrl,
  judgePrompt,
  judgeRequestBody,
  parseJudgeAnswer,
  readChatCompletion,
  retryDelayMs,
  type Judgement,
} from '../../../../src/core/eval/judge';
import { groupByImage } from '../../../../src/core/eval/items';
import { sourceFiles } from './data';

const SPEC = readFileSync(new URL('../../../../src/core/damro-spec.md', import.meta.url), 'utf8');

describe('the judge prompt and request', () => {
  it('is the spec §3.4 quotation with the two answers in place, starting and ending with a newline', () => {
    const block = /```\n(You are required[\s\S]*?)\n```/.exec(SPEC)![1];
    expect(block).toContain('hallucinationsshould');
    const expected = `\n${block.replace('{response 1}', 'ANSWER ONE').replace('{response 2}', 'ANSWER TWO')}\n`;
    expect(judgePrompt('ANSWER ONE', 'ANSWER TWO')).toBe(expected);
    expect(expected.endsWith('Reason: \n')).toBe(true);
  });

  it('sends the prompt text, then the image as a data URL, in one user message', () => {
    const body = JSON.parse(
      judgeRequestBody('gpt-4o', 'P', imageDataUrl(new Uint8Array([0xff, 0xd8, 0xff]), 'image/jpeg')),
    );
    expect(body).toEqual({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'P' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } },
          ],
        },
      ],
    });
  });

  it('encodes base64 as Node does, padding included', () => {
    let seed = 7;
    const random = Uint8Array.from({ length: 1001 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    for (const bytes of [
      new Uint8Array(0),
      Uint8Array.of(1),
      Uint8Array.of(1, 2),
      Uint8Array.of(1, 2, 3),
      Uint8Array.of(250, 251, 252, 253),
      random,
    ]) {
      expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('reads choices[0].message.content, or says what the answer lacks', () => {
    expect(readChatCompletion('{"choices":[{"message":{"role":"assistant","content":"Accuracy: 1 2"}}]}')).toEqual({
      text: 'Accuracy: 1 2',
    });
    expect(
      readChatCompletion(
        '{"choices":[{"message":{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}]}',
      ),
    ).toEqual({ text: 'ab' });
    expect(readChatCompletion('{"output":[]}')).toEqual({
      problem: 'the endpoint answered without choices[0].message.content',
    });
    expect(readChatCompletion('<html>')).toEqual({ problem: 'the endpoint\'s answer is not JSON ("<html>")' });
  });
});

describe('parsing the judge answer by the reference rules', () => {
  it('takes the pair after the last "Accuracy: " and "Detailedness: "', () => {
    const answer =
      'Output format:\nAccuracy: <Scores of the two answers>\n\nAccuracy: 8 6\nReason: fewer errors.\n\nDetailedness: 7 9\nReason: more.';
    expect(parseJudgeAnswer(answer)).toEqual({ scores: { accuracy: [8, 6], detailedness: [7, 9] } });
  });

  it('stops a pair at a run of newlines or asterisks, and takes Python int() spacing', () => {
    expect(parseJudgeAnswer('Accuracy: 10 3**\nDetailedness: 4\t 5\n')).toEqual({
      scores: { accuracy: [10, 3], detailedness: [4, 5] },
    });
  });

  it("without the label, reads the whole answer's first piece, as the reference split does", () => {
    expect(parseJudgeAnswer('6 4\nBoth fine.')).toEqual({ scores: { accuracy: [6, 4], detailedness: [6, 4] } });
  });

  it.each([
    [
      '**Accuracy:** 8 6\n**Detailedness:** 7 5',
      'Accuracy: expected two scores separated by one space, got ""; Detailedness: expected two scores separated by one space, got ""',
    ],
    ['Accuracy: 8 6 \nDetailedness: 7 5', 'Accuracy: expected two scores separated by one space, got "8 6 "'],
    ['Accuracy: 8  6\nDetailedness: 7 5', 'Accuracy: expected two scores separated by one space, got "8  6"'],
    ['Accuracy: 8/10 6/10\nDetailedness: 7 5', 'Accuracy: scores must be whole numbers from 1 to 10, got "8/10 6/10"'],
    ['Accuracy: 8 6\nDetailedness: 7.5 5', 'Detailedness: scores must be whole numbers from 1 to 10, got "7.5 5"'],
    ['Accuracy: 0 11\nDetailedness: 7 5', 'Accuracy: scores must be whole numbers from 1 to 10, got "0 11"'],
  ])('refuses %j', (answer, problem) => {
    expect(parseJudgeAnswer(answer)).toEqual({ problem });
  });
});

describe('back-off', () => {
  it('follows Retry-After in seconds (capped at 60), else 1 s doubling to 30 s', () => {
    expect([1, 2, 3, 5, 6, 9].map((a) => retryDelayMs(a, null))).toEqual([1000, 2000, 4000, 16000, 30000, 30000]);
    expect(retryDelayMs(4, '0')).toBe(0);
    expect(retryDelayMs(1, ' 2 ')).toBe(2000);
    expect(retryDelayMs(1, '3600')).toBe(60000);
    expect(retryDelayMs(2, 'Wed, 21 Oct 2015 07:28:00 GMT')).toBe(2000);
  });
});

describe('the GPT-4V-aided benchmark', () => {
  const items = gpt4vBenchmark.parse(sourceFiles('gpt4v', 'coco30'), 'coco30');

  it('reads 90 items over 30 images, three per image (conv, detail, complex), with unique keys', () => {
    expect(items).toHaveLength(90);
    const groups = groupByImage(items);
    expect(groups).toHaveLength(30);
    expect(groups.every((g) => g.items.map((i) => i.type).join() === 'conv,detail,complex')).toBe(true);
    expect(new Set(items.map((i) => i.key)).size).toBe(90);
    expect(items[0]).toMatchObject({
      id: '000000525439',
      image: 'COCO_val2014_000000525439.jpg',
      prompt: 'What is the position of the skateboard in the image?',
      type: 'conv',
    });
  });

  it('writes run_gpt4v_aided.py records and reads them back to the same key', () => {
    const record = gpt4vBenchmark.record(items[1], 'A person.', 'm');
    expect(JSON.stringify(record)).toBe(
      '{"id":"000000525439","prompt":"Can you elaborate on the elements of the picture provided?","output":"A person.","model_id":"m","image":"COCO_val2014_000000525439.jpg"}',
    );
    expect(gpt4vBenchmark.readRecord(record, 'x').key).toBe(items[1].key);
  });

  it('averages the valid verdicts per method, overall and per type, and lists the malformed ones', () => {
    const six = items.slice(0, 6) as Gpt4vItem[];
    const verdict = (i: number, accuracy: [number, number], detailedness: [number, number]): Judgement => ({
      key: six[i].key,
      tries: 1,
      answer: '',
      scores: { accuracy, detailedness },
    });
    const judgements = new Map<string, Judgement>([
      [six[0].key, verdict(0, [8, 9], [6, 7])],
      [six[1].key, verdict(1, [5, 7], [4, 8])],
      [
        six[2].key,
        {
          key: six[2].key,
          tries: 5,
          answer: 'no idea',
          problem: 'Accuracy: expected two scores separated by one space, got "no idea"',
        },
      ],
      [six[3].key, verdict(3, [6, 6], [5, 5])],
      [six[4].key, verdict(4, [3, 8], [2, 9])],
      [six[5].key, verdict(5, [7, 10], [6, 9])],
    ]);
    const summary = gpt4vBenchmark.score(six, { baseline: [], damro: [] }, 'coco30', { judgements });
    const row = (group: string) => summary.rows.find((r) => r.group === group)!.values;
    // all: accuracy baseline (8+5+6+3+7)/5 = 29/5, DAMRO (9+7+6+8+10)/5 = 40/5; detailedness (6+4+5+2+6)/5 = 23/5,
    // (7+8+5+9+9)/5 = 38/5.
    expect(row('all')).toEqual({
      accuracy: { baseline: 29 / 5, damro: 8 },
      detailedness: { baseline: 23 / 5, damro: 38 / 5 },
    });
    // conv: items 0 and 3; detail: 1 and 4; complex: 5 only (2 is malformed).
    expect(row('conv')).toEqual({ accuracy: { baseline: 7, damro: 7.5 }, detailedness: { baseline: 5.5, damro: 6 } });
    expect(row('detail')).toEqual({ accuracy: { baseline: 4, damro: 7.5 }, detailedness: { baseline: 3, damro: 8.5 } });
    expect(row('complex')).toEqual({ accuracy: { baseline: 7, damro: 10 }, detailedness: { baseline: 6, damro: 9 } });
    expect(summary.notes).toEqual([
      '5 of 6 items scored',
      '1 malformed judge answer left out of the averages',
      'Assistant 1 = baseline, Assistant 2 = DAMRO',
    ]);
    expect(summary.items).toHaveLength(6);
    expect(summary.items![2]).toEqual({
      key: six[2].key,
      image: six[2].image,
      group: 'complex',
      problem: 'Accuracy: expected two scores separated by one space, got "no idea"',
    });
    expect(summary.items![4].values).toEqual({
      accuracy: { baseline: 3, damro: 8 },
      detailedness: { baseline: 2, damro: 9 },
    });
  });

  it('refuses to score an item without a verdict', () => {
    expect(() =>
      gpt4vBenchmark.score(items.slice(0, 1), { baseline: [], damro: [] }, 'coco30', { judgements: new Map() }),
    ).toThrow(/000000525439 \(conv\) has no judge verdict/);
  });
});

describe("the paper's comparison table", () => {
  it("lists the spec §4.4 rows and this run's overall means last, printed to three decimals", () => {
    const summary = {
      benchmark: 'gpt4v',
      split: 'coco30',
      metrics: [],
      notes: [],
      rows: [
        {
          group: 'all',
          values: { accuracy: { baseline: 29 / 5, damro: 8 }, detailedness: { baseline: Number.NaN, damro: 38 / 5 } },
        },
      ],
    };
    const rows = gpt4vComparison(summary, 'my-model');
    expect(rows.map((r) => [r.model, r.source, formatAD(r.original), formatAD(r.damro)])).toEqual([
      ['LLaVA-1.5', 'paper', '5.356 / 5.067', '6.611 / 6.078'],
      ['LLaVA-NeXT', 'paper', '6.456 / 6.332', '7.189 / 6.656'],
      ['InstructBLIP', 'paper', '5.833 / 5.400', '6.756 / 5.967'],
      ['my-model', 'this run', '5.800 / n/a', '8.000 / 7.600'],
    ]);
  });
});
