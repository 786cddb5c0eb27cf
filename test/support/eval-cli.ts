// The benchmark CLI as the Node tests drive it: in-process, its lines collected, on small pictures written here.
import { readFileSync } from 'node:fs';
import { main, type Io } from '../../src/cli/eval';
import { encodePng } from './png';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `npm run eval -- …argv` in this process; `env` stands in for process.env (JUDGE_API_KEY). */
export async function runEvalCli(argv: readonly string[], env?: Io['env']): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), ...(env && { env }) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The records of a JSON Lines file. */
export const readJsonLines = (path: string): Record<string, unknown>[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** An opaque 36×30 PNG, different per `n`: each colour channel i holds (i·(n + offset)·step) mod 256. */
export function testPicture(n: number, offset: number, step: number): Uint8Array {
  const rgba = new Uint8ClampedArray(36 * 30 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * (n + offset) * step) % 256));
  return encodePng(rgba, 36, 30);
}

/** The GPT-4V-aided benchmark's answering options as the tests run it: custom DAMRO preset with k = 2, greedy, 4 new
 * tokens (the judge's options follow). */
export const gpt4vAnswerArgs = (images: string, model: string, limit: number) => [
  'gpt4v',
  '--images',
  images,
  '--model',
  model,
  '--limit',
  String(limit),
  '--preset',
  'custom',
  '--k',
  '2',
  '--max-new-tokens',
  '4',
  '--mode',
  'greedy',
];
