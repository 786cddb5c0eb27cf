// A judge behind any OpenAI-compatible chat-completions endpoint (a hosted API, or a local llama.cpp or Ollama
// server), over plain fetch so that the site and the CLI share it. Refusals that pass (429, 5xx, a dropped
// connection, no answer in time) are retried with back-off; anything else stops the run with what to fix.
// The key goes only into the Authorization header: never into a URL, a message or a log line.
import { imageDataUrl, judgeRequestBody, readChatCompletion, retryDelayMs, type JudgeReply } from '../core/eval/judge';
import { LensError } from '../protocol/errors';
import type { ImageInput } from '../protocol/messages';

export interface JudgeEndpoint {
  /** Up to and including the API version, e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1. */
  readonly baseUrl: string;
  readonly model: string;
  /** Empty for servers that take no key. */
  readonly apiKey: string;
}

export interface JudgeClientOptions {
  /** Requests per item before the run stops (the first included). */
  readonly attempts?: number;
  /** How long one request may take before it counts as failed and is retried. */
  readonly timeoutMs?: number;
}

export const DEFAULT_JUDGE_TIMEOUT_MS = 120_000;
const DEFAULT_ATTEMPTS = 6;

/** The chat-completions URL of a base URL, checked: a person types it. */
export function chatCompletionsUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new LensError(
      'bad-request',
      `The judge base URL '${baseUrl}' is not a URL; give one like https://api.openai.com/v1 or http://127.0.0.1:8080/v1.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new LensError('bad-request', `The judge base URL must start with https:// or http://, got '${baseUrl}'.`);
  if (url.username || url.password || url.search)
    throw new LensError(
      'bad-request',
      'The judge base URL must not carry a user name, password or query; type the API key in its own field.',
    );
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/chat/completions`;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

const retryable = (status: number) => status === 429 || status === 408 || status >= 500;

export interface JudgeClient {
  readonly url: string;
  ask(prompt: string, image: ImageInput & { kind: 'encoded' }, signal: AbortSignal): Promise<JudgeReply>;
}

export function createJudgeClient(endpoint: JudgeEndpoint, options: JudgeClientOptions = {}): JudgeClient {
  const url = chatCompletionsUrl(endpoint.baseUrl);
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_JUDGE_TIMEOUT_MS;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (endpoint.apiKey) headers.authorization = `Bearer ${endpoint.apiKey}`;
  // Servers may echo what they were sent; nothing they say is shown with the key in it.
  const redact = (text: string) => (endpoint.apiKey ? text.replaceAll(endpoint.apiKey, '[key]') : text);

  return {
    url,
    async ask(prompt, image, signal) {
      const body = judgeRequestBody(endpoint.model, prompt, imageDataUrl(new Uint8Array(image.bytes), image.mime));
      let last = '';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        signal.throwIfAborted();
        let retryAfter: string | null = null;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers,
            body,
            signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
          });
          const text = await response.text();
          if (response.ok) return readChatCompletion(text);
          const said = redact(text.slice(0, 200)).trim();
          if (!retryable(response.status)) {
            const hint =
              response.status === 401 || response.status === 403
                ? 'check the API key'
                : response.status === 404
                  ? 'check the base URL and the model name'
                  : 'check the base URL, the model name and that the model takes images';
            throw new LensError(
              'bad-request',
              `The judge at ${url} refused the request (HTTP ${response.status}${said ? `: ${said}` : ''}); ${hint}.`,
            );
          }
          last = `HTTP ${response.status}${said ? ` (${said})` : ''}`;
          retryAfter = response.headers.get('retry-after');
        } catch (error) {
          if (error instanceof LensError || signal.aborted) throw error;
          last =
            error instanceof DOMException && error.name === 'TimeoutError'
              ? `no answer within ${timeoutMs / 1000} s`
              : 'no connection';
        }
        if (attempt < attempts) await sleep(retryDelayMs(attempt, retryAfter), signal);
      }
      throw new LensError(
        'bad-request',
        `The judge at ${url} failed ${attempts} times (last: ${last}); check that it is running and reachable from here (a browser also needs it to allow this site: CORS), then resume.`,
      );
    },
  };
}
