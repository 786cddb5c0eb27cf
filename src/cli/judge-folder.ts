// The judging stage of a GPT-4V-aided run in its output folder: judgements.jsonl holds one verdict per item
// and judge (URL and model, never the key), appended as they come, so a stopped run resumes; each line also
// names the item, so the file reads on its own as the per-image results.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Outputs } from '../core/eval/answers';
import { valueOf, type EvalItem, type PerMethod } from '../core/eval/benchmark';
import type { Gpt4vItem } from '../core/eval/gpt4v-benchmark';
import { groupByImage, pendingItems } from '../core/eval/items';
import { driveJudge } from '../core/eval/judge-driver';
import { JUDGE_TRIES, type Judgement } from '../core/eval/judge';
import { formatDuration } from '../core/eval/progress';
import { chatCompletionsUrl, createJudgeClient } from '../net/judge-client';
import { LensError } from '../protocol/errors';
import type { JudgeOptions } from './args';
import { readImage } from './images';

export const JUDGEMENTS_FILE = 'judgements.jsonl';

interface JudgementLine extends Judgement {
  readonly id: string;
  readonly type: string;
  readonly image: string;
  readonly prompt: string;
  readonly judge_url: string;
  readonly judge_model: string;
}

/**
 * This judge's verdicts kept in the folder; a line cut short by a stop is dropped (the file is rewritten without it).
 */
export async function keptJudgements(dir: string, judge: JudgeOptions): Promise<Map<string, Judgement>> {
  const path = join(dir, JUDGEMENTS_FILE);
  if (!existsSync(path)) return new Map();
  const whole: string[] = [];
  const mine = new Map<string, Judgement>();
  for (const raw of (await readFile(path, 'utf8')).split('\n')) {
    let line: JudgementLine;
    try {
      line = JSON.parse(raw) as JudgementLine;
    } catch {
      continue;
    }
    whole.push(raw);
    if (line.judge_url === judge.baseUrl && line.judge_model === judge.model)
      mine.set(line.key, {
        key: line.key,
        tries: line.tries,
        answer: line.answer,
        scores: line.scores,
        problem: line.problem,
      });
  }
  await writeFile(path, whole.map((l) => `${l}\n`).join(''));
  return mine;
}

/** The request count a person agrees to, in words; nothing is sent before they do. */
export function judgeCost(
  items: readonly EvalItem[],
  judged: ReadonlySet<string>,
  judge: JudgeOptions,
  url: string,
): string {
  const pending = pendingItems(items, judged);
  const images = groupByImage(pending).length;
  return `judging sends ${pending.length} request${pending.length === 1 ? '' : 's'} to ${url} (model ${judge.model}), one per item still to judge (${judged.size} already judged), each with one of ${images} image${images === 1 ? '' : 's'} and both answers; an answer that does not parse is asked again, up to ${JUDGE_TRIES} times per item`;
}

/**
 * This judge's kept verdicts, once the person has agreed to send the rest (--yes); without it, says where the
 * images would go and how many requests, having sent nothing.
 */
export async function judgePlan(
  dir: string,
  items: readonly EvalItem[],
  judge: JudgeOptions,
): Promise<Map<string, Judgement>> {
  const url = chatCompletionsUrl(judge.baseUrl);
  const judgements = await keptJudgements(dir, judge);
  if (!judge.consent)
    throw new LensError(
      'bad-request',
      `gpt4v: ${judgeCost(items, new Set(judgements.keys()), judge, url)}. Nothing was sent; run the same command with --yes to agree.`,
    );
  return judgements;
}

export interface JudgeRun {
  readonly dir: string;
  readonly imagesDir: string;
  readonly imagePaths: ReadonlyMap<string, string>;
  readonly items: readonly EvalItem[];
  readonly outputs: PerMethod<readonly string[]>;
  readonly judge: JudgeOptions;
  readonly apiKey: string;
  readonly log: (line: string) => void;
  readonly onInterrupt?: (stop: () => void) => void;
}

/** Every item's verdict, or undefined when the person stopped the run (what was judged is kept). */
export async function judgeFolder(run: JudgeRun): Promise<Map<string, Judgement> | undefined> {
  const { judge, items } = run;
  const client = createJudgeClient(
    { baseUrl: judge.baseUrl, model: judge.model, apiKey: run.apiKey },
    { timeoutMs: judge.timeoutMs },
  );
  const judgements = await judgePlan(run.dir, items, judge);
  await mkdir(run.dir, { recursive: true });
  run.log(`gpt4v: ${judgeCost(items, new Set(judgements.keys()), judge, client.url)}; ${judge.concurrency} at once.`);
  const answers = new Map<string, Outputs>(
    items.map((item, i) => [
      item.key,
      { baseline: valueOf(run.outputs, 'baseline')[i], damro: valueOf(run.outputs, 'damro')[i] },
    ]),
  );
  const stop = new AbortController();
  run.onInterrupt?.(() => stop.abort(new LensError('bad-request', 'stopped')));
  const byKey = new Map(items.map((item) => [item.key, item as Gpt4vItem]));
  try {
    const outcome = await driveJudge(
      {
        items,
        answers,
        judged: new Set(judgements.keys()),
        imagePaths: run.imagePaths,
        concurrency: judge.concurrency,
      },
      {
        ask: (prompt, image) => client.ask(prompt, image, stop.signal),
        readImage: async (path) =>
          (await readImage(run.imagesDir, path)) as Awaited<ReturnType<typeof readImage>> & { kind: 'encoded' },
        async save(judgement) {
          const item = byKey.get(judgement.key)!;
          const line: JudgementLine = {
            ...judgement,
            id: item.id,
            type: item.type,
            image: item.image,
            prompt: item.prompt,
            judge_url: judge.baseUrl,
            judge_model: judge.model,
          };
          await appendFile(join(run.dir, JUDGEMENTS_FILE), `${JSON.stringify(line)}\n`);
          judgements.set(judgement.key, judgement);
          if (judgement.problem)
            run.log(
              `gpt4v: ${item.image} (${item.type}): no scores after ${judgement.tries} tries: ${judgement.problem}`,
            );
        },
        onProgress: (p) =>
          run.log(
            `gpt4v: judged ${p.done}/${p.total}${p.etaMs === undefined ? '' : `, ${formatDuration(p.etaMs)} left`}`,
          ),
        now: () => performance.now(),
      },
      { shouldStop: () => stop.signal.aborted },
    );
    return outcome === 'complete' ? judgements : undefined;
  } catch (error) {
    if (stop.signal.aborted) return undefined;
    throw error;
  }
}
