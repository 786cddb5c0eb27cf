import { describe, expect, it } from 'vitest';
import { answerLines, mergeAnswers, readAnswers } from '../../../../src/core/eval/answers';
import { popeBenchmark, type PopeItem } from '../../../../src/core/eval/pope-benchmark';
import { toJsonLine } from '../../../../src/core/eval/records';

const items: PopeItem[] = [1, 2, 3].map((id) => ({
  key: String(id),
  image: 'a.jpg',
  prompt: 'q',
  question: { questionId: id, image: 'a.jpg', text: `Is there a thing ${id}?`, label: 'yes' },
}));
const lines = (id: number, baseline: string, damro: string) => {
  const written = answerLines(popeBenchmark, items[id - 1], { baseline, damro }, 'm');
  return { baseline: written.baseline!, damro: written.damro! };
};

describe('answer files', () => {
  it('writes json.dumps layout, non-ASCII escaped as Python does', () => {
    expect(toJsonLine({ question_id: 1, output: 'Sí "yes"\n🙂' })).toBe(
      '{"question_id": 1, "output": "S\\u00ed \\"yes\\"\\n\\ud83d\\ude42"}\n',
    );
    expect(JSON.parse(toJsonLine({ output: 'Sí 🙂' })).output).toBe('Sí 🙂');
  });

  it('reads back answers present in both method files; a repeated key keeps its last answer', () => {
    const [a, b, c, c2] = [lines(1, 'Yes', 'No'), lines(2, 'No', 'No'), lines(3, 'x', 'y'), lines(3, 'Yes', 'Yes')];
    const answers = readAnswers(
      popeBenchmark,
      { baseline: a.baseline + b.baseline + c.baseline + c2.baseline, damro: a.damro + c2.damro },
      'shard 0',
    );
    expect([...answers]).toEqual([
      ['1', { baseline: 'Yes', damro: 'No' }],
      ['3', { baseline: 'Yes', damro: 'Yes' }],
    ]);
  });

  it('names the file and line of a broken record', () => {
    expect(() =>
      readAnswers(
        popeBenchmark,
        { baseline: '{"question_id": 1, "outp\n{"question_id": 2, "output": "No"}\n', damro: '' },
        'shard 1',
      ),
    ).toThrow(/shard 1 \(baseline\) line 1 is not valid JSON/);
    expect(() =>
      readAnswers(popeBenchmark, { baseline: '{"question_id": "1", "output": "Yes"}\n', damro: '' }, 'shard 1'),
    ).toThrow(/line 1: the answer record has no number "question_id"/);
  });

  it('refuses a half-written last line by its number, or drops it and reports it when resuming', () => {
    const [a, b] = [lines(1, 'Yes', 'No'), lines(2, 'No', 'No')];
    const cut = { baseline: a.baseline + b.baseline, damro: a.damro + b.damro.slice(0, 10) };
    expect(() => readAnswers(popeBenchmark, cut, 'shard 1')).toThrow(
      /^shard 1 \(damro\) line 2 \(the last\) is half-written: its run stopped mid-write\. Run that run's command again to resume it/,
    );
    const dropped: string[] = [];
    expect([...readAnswers(popeBenchmark, cut, 'shard 1', (where) => dropped.push(where))]).toEqual([
      ['1', { baseline: 'Yes', damro: 'No' }],
    ]);
    expect(dropped).toEqual(['shard 1 (damro) line 2']);
  });

  it('merges shards into question order and refuses overlaps, foreign keys and gaps', () => {
    const one = new Map([
      ['3', { baseline: 'c', damro: 'C' }],
      ['1', { baseline: 'a', damro: 'A' }],
    ]);
    const two = new Map([['2', { baseline: 'b', damro: 'B' }]]);
    expect(
      mergeAnswers(items, [
        { name: 's0', answers: one },
        { name: 's1', answers: two },
      ]),
    ).toEqual({ baseline: ['a', 'b', 'c'], damro: ['A', 'B', 'C'] });
    expect(() =>
      mergeAnswers(items, [
        { name: 's0', answers: one },
        { name: 's1', answers: one },
      ]),
    ).toThrow(/answered by both s0 and s1/);
    expect(() => mergeAnswers(items, [{ name: 's0', answers: new Map([['9', { baseline: '', damro: '' }]]) }])).toThrow(
      /'9', which is not a question of this run/,
    );
    expect(() => mergeAnswers(items, [{ name: 's0', answers: one }])).toThrow(/1 of 3 questions have no answer \(2\)/);
  });
});
