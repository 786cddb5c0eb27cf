// The judge client and the judging loop against a real chat-completions server on loopback
// (test/support/judge-server.ts): verdicts; 429 and 5xx retried with back-off; a slow answer timed out and
// asked again; refusals that stop the run with the key masked; malformed judge text asked again up to five
// times and then reported; the concurrency limit; resume.
import { afterEach, describe, expect, it } from 'vitest';
import type { Outputs } from '../../../src/core/eval/answers';
import type { EvalItem } from '../../../src/core/eval/benchmark';
import { imageKeyOf } from '../../../src/core/eval/images';
import { driveJudge } from '../../../src/core/eval/judge-driver';
import { judgePrompt, type Judgement } from '../../../src/core/eval/judge';
import { chatCompletionsUrl, createJudgeClient } from '../../../src/net/judge-client';
import { LensError } from '../../../src/protocol/errors';
import { startJudgeServer, verdict, type ImageScript, type JudgeServer } from '../../support/judge-server';

const KEY = 'sk-test-0123456789abcdef';
const MODEL = 'judge-vision';
const bytesOf = (n: number) => Uint8Array.from({ length: 40 + n }, (_, i) => (i * (n + 5)) % 256);
const encoded = (bytes: Uint8Array) => ({ kind: 'encoded' as const, bytes: bytes.slice().buffer, mime: 'image/png' });

let server: JudgeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(images: Record<string, ImageScript>) {
  server = await startJudgeServer({ images, apiKey: KEY, model: MODEL });
  return server;
}

const never = new AbortController().signal;

describe('the judge client', () => {
  it('builds the chat-completions URL from what a person types, and refuses the rest', () => {
    expect(chatCompletionsUrl('https://api.openai.com/v1/')).toBe('https://api.openai.com/v1/chat/completions');
    expect(chatCompletionsUrl(' http://127.0.0.1:11434/v1 ')).toBe('http://127.0.0.1:11434/v1/chat/completions');
    expect(() => chatCompletionsUrl('api.openai.com')).toThrow(/not a URL/);
    expect(() => chatCompletionsUrl('ftp://host/v1')).toThrow(/https:\/\/ or http:\/\//);
    expect(() => chatCompletionsUrl('https://host/v1?key=sk-1')).toThrow(/must not carry/);
  });

  it('sends the prompt and the image with the key in the Authorization header only, and returns the text', async () => {
    const bytes = bytesOf(1);
    const s = await serve({ a: { bytes, replies: [{ kind: 'answer', text: verdict([7, 8], [6, 9]) }] } });
    const client = createJudgeClient({ baseUrl: s.baseUrl, model: MODEL, apiKey: KEY });
    expect(await client.ask('PROMPT', encoded(bytes), never)).toEqual({ text: verdict([7, 8], [6, 9]) });
    expect(s.seen).toEqual([
      { image: 'a', url: '/v1/chat/completions', authorization: `Bearer ${KEY}`, model: MODEL, prompt: 'PROMPT' },
    ]);
  });

  it('retries 500 (after 1 s) and 429 (after its Retry-After), then takes the answer', async () => {
    const bytes = bytesOf(2);
    const s = await serve({
      a: {
        bytes,
        replies: [
          { kind: 'status', status: 500 },
          { kind: 'status', status: 429, retryAfter: '0' },
          { kind: 'status', status: 429, retryAfter: '0' },
          { kind: 'answer', text: 'ok' },
        ],
      },
    });
    const client = createJudgeClient({ baseUrl: s.baseUrl, model: MODEL, apiKey: KEY });
    expect(await client.ask('P', encoded(bytes), never)).toEqual({ text: 'ok' });
    expect(s.seen).toHaveLength(4);
  });

  it('gives up a request that takes longer than the timeout and asks again', async () => {
    const bytes = bytesOf(3);
    const s = await serve({
      a: {
        bytes,
        replies: [
          { kind: 'answer', text: 'late', delayMs: 2000 },
          { kind: 'answer', text: 'in time' },
        ],
      },
    });
    const client = createJudgeClient({ baseUrl: s.baseUrl, model: MODEL, apiKey: KEY }, { timeoutMs: 300 });
    expect(await client.ask('P', encoded(bytes), never)).toEqual({ text: 'in time' });
    expect(s.seen).toHaveLength(2);
  });

  it("stops at a refused key with the HTTP status, the server's words and what to check, the key masked", async () => {
    const bytes = bytesOf(4);
    const wrong = 'sk-wrong-key-999';
    const s = await serve({ a: { bytes, replies: [{ kind: 'answer', text: 'never' }] } });
    const error = await createJudgeClient({ baseUrl: s.baseUrl, model: MODEL, apiKey: wrong })
      .ask('P', encoded(bytes), never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LensError);
    expect((error as LensError).message).toBe(
      `The judge at ${s.baseUrl}/chat/completions refused the request (HTTP 401: {"error":{"message":"Incorrect API key provided: [key]"}}); check the API key.`,
    );
    expect(s.seen).toHaveLength(1);
  });

  it('stops at an unknown model without retrying', async () => {
    const bytes = bytesOf(5);
    const s = await serve({ a: { bytes, replies: [{ kind: 'answer', text: 'never' }] } });
    await expect(
      createJudgeClient({ baseUrl: s.baseUrl, model: 'nope', apiKey: KEY }).ask('P', encoded(bytes), never),
    ).rejects.toThrow(/HTTP 404.*check the base URL and the model name/);
    expect(s.seen).toHaveLength(1);
  });

  it('fails after the last attempt, saying what the server last said', async () => {
    const bytes = bytesOf(6);
    const s = await serve({
      a: { bytes, replies: [{ kind: 'status', status: 503, retryAfter: '0', body: 'overloaded' }] },
    });
    await expect(
      createJudgeClient({ baseUrl: s.baseUrl, model: MODEL, apiKey: KEY }, { attempts: 3 }).ask(
        'P',
        encoded(bytes),
        never,
      ),
    ).rejects.toThrow(
      `The judge at ${s.baseUrl}/chat/completions failed 3 times (last: HTTP 503 ({"error":{"message":"overloaded"}}))`,
    );
    expect(s.seen).toHaveLength(3);
  });

  it('reports an answer that is not a chat completion instead of text', async () => {
    const bytes = bytesOf(7);
    const s = await serve({ a: { bytes, replies: [{ kind: 'raw', body: '{"result":"8 7"}' }] } });
    expect(
      await createJudgeClient({ baseUrl: s.baseUrl, model: MODEL, apiKey: KEY }).ask('P', encoded(bytes), never),
    ).toEqual({ problem: 'the endpoint answered without choices[0].message.content' });
  });

  it('ends a request in flight when the run is cancelled', async () => {
    const bytes = bytesOf(8);
    const s = await serve({ a: { bytes, replies: [{ kind: 'answer', text: 'slow', delayMs: 3000 }] } });
    const cancel = new AbortController();
    const asked = createJudgeClient({ baseUrl: s.baseUrl, model: MODEL, apiKey: KEY }).ask(
      'P',
      encoded(bytes),
      cancel.signal,
    );
    await expect.poll(() => s.seen.length).toBe(1);
    cancel.abort(new LensError('bad-request', 'cancelled'));
    await expect(asked).rejects.toThrow('cancelled');
  });
});

describe('the judging loop', () => {
  // Two images, three items each; image b's judge never answers in the format, image a's once not.
  const items: EvalItem[] = ['a', 'b'].flatMap((image) =>
    [1, 2, 3].map((n) => ({ key: `${image}${n}`, image: `${image}.jpg`, prompt: `q${n}` })),
  );
  const answers = new Map<string, Outputs>(
    items.map((item) => [item.key, { baseline: `base ${item.key}`, damro: `damro ${item.key}` }]),
  );
  const imagePaths = new Map(['a', 'b'].map((image) => [imageKeyOf(`${image}.jpg`), `${image}.jpg`]));
  const images = { a: bytesOf(10), b: bytesOf(11) };

  async function judge(s: JudgeServer, judged: ReadonlySet<string>, concurrency: number) {
    const client = createJudgeClient({ baseUrl: s.baseUrl, model: MODEL, apiKey: KEY });
    const saved: Judgement[] = [];
    const outcome = await driveJudge(
      { items, answers, judged, imagePaths, concurrency },
      {
        ask: (prompt, image) => client.ask(prompt, image, never),
        readImage: async (path) => encoded(images[path[0] as 'a' | 'b']),
        save: async (j) => void saved.push(j),
        now: () => 0,
      },
      { shouldStop: () => false },
    );
    return { outcome, saved: new Map(saved.map((j) => [j.key, j])) };
  }

  it('asks about each item with its two answers, re-asks malformed answers up to five times, keeps to the concurrency limit', async () => {
    const s = await serve({
      a: {
        bytes: images.a,
        replies: [
          { kind: 'answer', text: 'Accuracy: 9\nDetailedness: 8 7' },
          { kind: 'answer', text: verdict([8, 9], [6, 7]), delayMs: 50 },
        ],
      },
      b: { bytes: images.b, replies: [{ kind: 'answer', text: 'I cannot score these.' }] },
    });
    const { outcome, saved } = await judge(s, new Set(), 2);
    expect(outcome).toBe('complete');
    expect(s.maxInFlight).toBeLessThanOrEqual(2);
    expect(s.maxInFlight).toBe(2);
    // a: one malformed answer then verdicts: 4 requests; b: five tries for each of three items.
    expect(s.seen.filter((r) => r.image === 'a')).toHaveLength(4);
    expect(s.seen.filter((r) => r.image === 'b')).toHaveLength(15);
    const prompts = new Set(s.seen.map((r) => r.prompt));
    for (const item of items)
      expect(prompts.has(judgePrompt(`base ${item.key}`, `damro ${item.key}`)), item.key).toBe(true);
    expect(
      [...saved.values()]
        .filter((j) => j.key.startsWith('a'))
        .map((j) => j.tries)
        .sort(),
    ).toEqual([1, 1, 2]);
    for (const key of ['a1', 'a2', 'a3'])
      expect(saved.get(key)?.scores).toEqual({ accuracy: [8, 9], detailedness: [6, 7] });
    for (const key of ['b1', 'b2', 'b3']) {
      expect(saved.get(key)).toEqual({
        key,
        tries: 5,
        answer: 'I cannot score these.',
        problem:
          'Accuracy: expected two scores separated by one space, got "I cannot score these."; Detailedness: expected two scores separated by one space, got "I cannot score these."',
      });
    }
  });

  it('asks only about the items without a verdict when resumed', async () => {
    const s = await serve({
      a: { bytes: images.a, replies: [{ kind: 'answer', text: verdict([5, 6], [5, 6]) }] },
      b: { bytes: images.b, replies: [{ kind: 'answer', text: verdict([4, 4], [3, 3]) }] },
    });
    const { saved } = await judge(s, new Set(['a1', 'a2', 'a3', 'b1']), 4);
    expect([...saved.keys()].sort()).toEqual(['b2', 'b3']);
    expect(s.seen.map((r) => r.image)).toEqual(['b', 'b']);
  });

  it('stops the run when the endpoint refuses, starting nothing new', async () => {
    const s = await serve({
      a: { bytes: images.a, replies: [{ kind: 'status', status: 400, body: 'this model does not take images' }] },
      b: { bytes: images.b, replies: [{ kind: 'answer', text: 'x' }] },
    });
    await expect(judge(s, new Set(), 1)).rejects.toThrow(/HTTP 400.*this model does not take images.*takes images/);
    expect(s.seen).toHaveLength(1);
  });
});
