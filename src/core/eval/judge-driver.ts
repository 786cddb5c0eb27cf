// The judging loop shared by the site and the CLI: for every answered item without a verdict, send the judge
// the item's image and both answers, ask again while the answer does not parse (JUDGE_TRIES in all), and
// save each verdict as it comes so that a stopped run resumes. At most `concurrency` requests are in flight.
import type { ImageInput } from '../../protocol/messages';
import type { Outputs } from './answers';
import { valueOf, type EvalItem } from './benchmark';
import { imageKeyOf } from './images';
import { pendingItems } from './items';
import { judgePrompt, JUDGE_TRIES, parseJudgeAnswer, type Judgement, type JudgeReply } from './judge';
import { reportProgress, type Progress } from './progress';

export interface JudgeDeps {
  /** One chat-completions exchange; HTTP retries happen inside, so a rejection ends the run. */
  readonly ask: (prompt: string, image: ImageInput & { kind: 'encoded' }) => Promise<JudgeReply>;
  readonly readImage: (path: string) => Promise<ImageInput & { kind: 'encoded' }>;
  readonly save: (judgement: Judgement) => Promise<void>;
  readonly onProgress?: (progress: Progress) => void;
  readonly now: () => number;
}

export interface JudgeOptions {
  readonly items: readonly EvalItem[];
  readonly answers: ReadonlyMap<string, Outputs>;
  /** Items that already have a verdict. */
  readonly judged: ReadonlySet<string>;
  readonly imagePaths: ReadonlyMap<string, string>;
  readonly concurrency: number;
}

/** Read before each request; to end requests in flight, the caller also aborts what `ask` sends. */
export interface JudgeControl {
  readonly shouldStop: () => boolean;
}

export async function driveJudge(
  options: JudgeOptions,
  deps: JudgeDeps,
  control: JudgeControl,
): Promise<'complete' | 'stopped'> {
  const { items, answers } = options;
  const pending = pendingItems(items, options.judged);
  const advance = reportProgress(items.length, pending.length, deps.now, deps.onProgress);
  // An image is read once for its items, and forgotten when the last of them is judged.
  const images = new Map<string, { image?: Promise<ImageInput & { kind: 'encoded' }>; left: number }>();
  for (const item of pending) {
    const path = options.imagePaths.get(imageKeyOf(item.image, item.folder))!;
    const entry = images.get(path);
    if (entry) entry.left++;
    else images.set(path, { left: 1 });
  }
  let next = 0;
  let stopped = false;
  async function judgeOne(item: EvalItem): Promise<void> {
    const path = options.imagePaths.get(imageKeyOf(item.image, item.folder))!;
    const entry = images.get(path)!;
    const image = await (entry.image ??= deps.readImage(path));
    const outputs = answers.get(item.key)!;
    const prompt = judgePrompt(valueOf(outputs, 'baseline'), valueOf(outputs, 'damro'));
    let judgement: Judgement | undefined;
    for (let tries = 1; tries <= JUDGE_TRIES; tries++) {
      if (control.shouldStop()) return void (stopped = true);
      const reply = await deps.ask(prompt, image);
      const answer = 'text' in reply ? reply.text : '';
      const parsed = 'text' in reply ? parseJudgeAnswer(reply.text) : reply;
      judgement =
        'scores' in parsed
          ? { key: item.key, tries, answer, scores: parsed.scores }
          : { key: item.key, tries, answer, problem: parsed.problem };
      if (judgement.scores) break;
    }
    await deps.save(judgement!);
    if (--entry.left === 0) images.delete(path);
    advance(1);
  }
  let failure: { error: unknown } | undefined;
  async function worker(): Promise<void> {
    while (next < pending.length && !stopped && !failure) {
      if (control.shouldStop()) return void (stopped = true);
      try {
        await judgeOne(pending[next++]);
      } catch (error) {
        // The other workers finish what they are asking and start nothing new.
        failure ??= { error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, pending.length)) }, worker));
  if (failure) throw failure.error;
  return stopped ? 'stopped' : 'complete';
}
