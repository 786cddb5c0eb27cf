// A chat-completions server on loopback for the GPT-4V-aided tests: it reads the image out of each request,
// answers with that image's script (good verdicts, malformed text, 429 or 500 before an answer, slow answers),
// checks the key and the model, sends CORS headers for the site's origin, and counts what it was sent.
// It listens on 127.0.0.1 only, on a free port, and closes itself after a while if a test forgets to.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptedReply =
  | { readonly kind: 'answer'; readonly text: string; readonly delayMs?: number }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string; readonly body?: string }
  /** A 200 whose body is not a chat completion. */
  | { readonly kind: 'raw'; readonly body: string };

export interface ImageScript {
  readonly bytes: Uint8Array;
  /** Replies in order; the last one repeats for every later request about this image. */
  readonly replies: readonly ScriptedReply[];
}

export interface SeenRequest {
  readonly image: string;
  readonly url: string;
  readonly authorization?: string;
  readonly model: string;
  readonly prompt: string;
}

export interface JudgeServer {
  readonly baseUrl: string;
  /** Every POST that reached the server, in arrival order (CORS preflights not included). */
  readonly seen: readonly SeenRequest[];
  /** The most requests that were ever open at once. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

export const verdict = (accuracy: [number, number], detailedness: [number, number]) =>
  `Accuracy: ${accuracy.join(' ')}\nReason: scripted.\n\nDetailedness: ${detailedness.join(' ')}\nReason: scripted.`;

/**
 * Three images' scripts with trouble on the way: the first answers a 500, then (slowly) verdicts; the second a 429,
 * a malformed answer, then verdicts; the third always `third` (an answer that never parses).
 */
export const troubledJudging = (
  names: readonly string[],
  pictures: readonly Uint8Array[],
  third: string,
): Record<string, ImageScript> => ({
  [names[0]]: {
    bytes: pictures[0],
    replies: [
      { kind: 'status', status: 500 },
      { kind: 'answer', text: verdict([6, 8], [5, 7]), delayMs: 200 },
    ],
  },
  [names[1]]: {
    bytes: pictures[1],
    replies: [
      { kind: 'status', status: 429, retryAfter: '0' },
      { kind: 'answer', text: 'Accuracy: 4 9 \n' },
      { kind: 'answer', text: verdict([4, 9], [3, 8]) },
    ],
  },
  [names[2]]: { bytes: pictures[2], replies: [{ kind: 'answer', text: third }] },
});

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const LIFETIME_MS = 10 * 60_000;

export async function startJudgeServer(options: {
  images: Readonly<Record<string, ImageScript>>;
  apiKey: string;
  model: string;
}): Promise<JudgeServer> {
  const byHash = new Map(Object.entries(options.images).map(([name, script]) => [sha(script.bytes), name]));
  const asked = new Map<string, number>();
  const seen: SeenRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const cors = (res: ServerResponse) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'authorization, content-type');
    res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
    res.setHeader('access-control-expose-headers', 'retry-after');
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    cors(res);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
      return json(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    const body = JSON.parse(await readBody(req)) as {
      model: string;
      messages: { content: { type: string; text?: string; image_url?: { url: string } }[] }[];
    };
    const [text, image] = body.messages[0].content;
    const base64 = /^data:image\/[a-z]+;base64,(.*)$/.exec(image.image_url?.url ?? '')?.[1] ?? '';
    const name = byHash.get(sha(Buffer.from(base64, 'base64'))) ?? 'unknown';
    seen.push({
      image: name,
      url: req.url,
      authorization: req.headers.authorization,
      model: body.model,
      prompt: text.text ?? '',
    });
    if (req.headers.authorization !== `Bearer ${options.apiKey}`)
      return json(res, 401, {
        error: { message: `Incorrect API key provided: ${req.headers.authorization?.slice(7) ?? ''}` },
      });
    if (body.model !== options.model)
      return json(res, 404, { error: { message: `The model '${body.model}' does not exist` } });
    const script = options.images[name];
    if (!script) return json(res, 400, { error: { message: 'unknown image' } });
    const n = asked.get(name) ?? 0;
    asked.set(name, n + 1);
    const reply = script.replies[Math.min(n, script.replies.length - 1)];
    if (reply.kind === 'status') {
      if (reply.retryAfter !== undefined) res.setHeader('retry-after', reply.retryAfter);
      return json(res, reply.status, { error: { message: reply.body ?? 'scripted failure' } });
    }
    if (reply.kind === 'raw') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(reply.body);
    }
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    json(res, 200, {
      id: 'scripted',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: 'stop' }],
    });
  }

  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    handle(req, res).catch((error: unknown) => json(res, 500, { error: { message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const timer = setTimeout(() => server.close(), LIFETIME_MS);
  timer.unref();
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    seen,
    get maxInFlight() {
      return maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
