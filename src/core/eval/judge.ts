// The judge of the GPT-4V-aided evaluation (src/core/damro-spec.md §3.4): the reference prompt with the two
// answers in it, the chat-completions request that carries it with the image, and the reading of the two score
// pairs by the reference script's rules. Original (baseline) is always Assistant 1 and DAMRO Assistant 2.
import type { Method } from './benchmark';

// Verbatim evaluation data, typos included; it starts and ends with a newline like the reference constant.
const PROMPT_HEAD = `
You are required to score the performance of two AI assistants in describing a given image. You should pay extra attention to the hallucination, which refers to the part of descriptions that are inconsistent with the image content, such as claiming the existence of something not present in the image or describing incorrectly in terms of the counts, positions, or colors of objects in the image. Please rate the responses of the assistants on a scale of 1 to 10, where a higher score indicates better performance, according to the following criteria:
1: Accuracy: whether the response is accurate with respect to the image content. Responses with fewer hallucinationsshould be given higher scores.
2: Detailedness: whether the response is rich in necessary details. Note that hallucinated descriptions should not countas necessary details.
Please output the scores for each criterion, containing only two values indicating the scores for Assistant 1 and 2, respectively. The two scores are separated by a space. Following the scores, please provide an explanation of your evaluation, avoiding any potential bias and ensuring that the order in which the responses were presented does not affect your judgment.

[Assistant 1]
`;
const PROMPT_MIDDLE = `
[End of Assistant 1]

[Assistant 2]
`;
const PROMPT_TAIL = `
[End of Assistant 2]

Output format:
Accuracy: <Scores of the two answers>
Reason:

Detailedness: <Scores of the two answers>
Reason: 
`;

/** The reference script asks again when an answer does not parse, five times in all. */
export const JUDGE_TRIES = 5;

export const ASSISTANT_OF: Readonly<Partial<Record<Method, 1 | 2>>> = { baseline: 1, damro: 2 };

export function judgePrompt(baseline: string, damro: string): string {
  return `${PROMPT_HEAD}${baseline}${PROMPT_MIDDLE}${damro}${PROMPT_TAIL}`;
}

/** The image as the reference sends it: base64 in a data URL (the bytes as they are on disk). */
export function imageDataUrl(bytes: Uint8Array, mime: string): string {
  return `data:${mime};base64,${base64(bytes)}`;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 4648 base64 with padding (core has no btoa in Node's sense of pure). */
export function base64(bytes: Uint8Array): string {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const left = bytes.length - i;
    out.push(
      ALPHABET[(n >> 18) & 63],
      ALPHABET[(n >> 12) & 63],
      left > 1 ? ALPHABET[(n >> 6) & 63] : '=',
      left > 2 ? ALPHABET[n & 63] : '=',
    );
  }
  return out.join('');
}

/**
 * A chat-completions request body: the prompt text, then the image, in one user message as the reference orders them.
 */
export function judgeRequestBody(model: string, prompt: string, imageUrl: string): string {
  return JSON.stringify({
    model,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: prompt },
          { type: 'image_url', image_url: { url: imageUrl } },
        ],
      },
    ],
  });
}

/** What a chat-completions answer says: the message text, or why there is none. */
export type JudgeReply = { readonly text: string } | { readonly problem: string };

export function readChatCompletion(body: string): JudgeReply {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { problem: `the endpoint's answer is not JSON (${JSON.stringify(body.slice(0, 60))})` };
  }
  const content = (json as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]?.message?.content;
  if (typeof content === 'string') return { text: content };
  // Some servers send the content as parts.
  if (Array.isArray(content) && content.every((p) => typeof (p as { text?: unknown })?.text === 'string'))
    return { text: content.map((p: { text: string }) => p.text).join('') };
  return { problem: 'the endpoint answered without choices[0].message.content' };
}

export interface JudgeScores {
  /** [Assistant 1, Assistant 2] = [baseline, DAMRO]. */
  readonly accuracy: readonly [number, number];
  readonly detailedness: readonly [number, number];
}

export type ParsedJudge = { readonly scores: JudgeScores } | { readonly problem: string };

/**
 * The pair after the last `label`: the text up to the first run of newlines or asterisks, split on single
 * spaces, exactly as eval_gpt4v.py does. A missing label leaves the whole answer, as the reference's split does.
 */
function scorePair(answer: string, label: 'Accuracy' | 'Detailedness'): readonly [number, number] | string {
  const pieces = answer
    .split(`${label}: `)
    .at(-1)!
    .split(/[\n*]+/)[0]
    .split(' ');
  const shown = JSON.stringify(pieces.join(' '));
  if (pieces.length !== 2) return `${label}: expected two scores separated by one space, got ${shown}`;
  // The reference converts with Python's int(), which also takes surrounding whitespace and a sign; it would
  // crash on anything else. A score off the 1–10 scale the prompt asks for is refused too, not averaged.
  const values = pieces.map((p) => (/^\s*[+-]?\d+\s*$/.test(p) ? Number(p) : Number.NaN));
  if (values.some((v) => !(v >= 1 && v <= 10)))
    return `${label}: scores must be whole numbers from 1 to 10, got ${shown}`;
  return [values[0], values[1]];
}

export function parseJudgeAnswer(answer: string): ParsedJudge {
  const accuracy = scorePair(answer, 'Accuracy');
  const detailedness = scorePair(answer, 'Detailedness');
  const problems = [accuracy, detailedness].filter((p): p is string => typeof p === 'string');
  if (problems.length) return { problem: problems.join('; ') };
  return { scores: { accuracy: accuracy as [number, number], detailedness: detailedness as [number, number] } };
}

/** One item's verdict as kept for resume and reported per image. */
export interface Judgement {
  readonly key: string;
  /** Requests that reached the judge for this item (a malformed answer is asked again, up to JUDGE_TRIES). */
  readonly tries: number;
  /** The judge's last answer, verbatim ('' when the endpoint sent no text). */
  readonly answer: string;
  readonly scores?: JudgeScores;
  /** Why there are no scores (the last try's failure); the item is then left out of the averages. */
  readonly problem?: string;
}

/**
 * The wait before retry `attempt` (1-based) of a refused request: the server's Retry-After when it gives one, else 1 s
 * doubling to 30 s.
 */
export function retryDelayMs(attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 60) * 1000;
  return Math.min(30_000, 1000 * 2 ** (attempt - 1));
}
