// `npm run eval -- --backend chromium`: the production worker in headless Chromium (WebGPU) answers a POPE
// image's six questions exactly as the engine in Node (ORT wasm) does, through the same CLI.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/eval';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import { encodePng } from '../support/png';

const work = mkdtempSync(join(tmpdir(), 'damro-eval-chromium-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await main(argv, { out: () => undefined, err: (line) => err.push(line) });
  return { code, err: err.join('\n') };
}

/** One image's six POPE questions with `model` on `backend`, written to `out`. */
const popeArgs = (backend: string, model: string, out: string, { k = '2', maxNewTokens = '5' } = {}) => [
  'pope',
  '--backend',
  backend,
  '--images',
  work,
  '--model',
  model,
  '--limit',
  '6',
  '--preset',
  'custom',
  '--k',
  k,
  '--max-new-tokens',
  maxNewTokens,
  '--out',
  out,
];

/** Answers on Chromium and in Node, into `<prefix>chromium` and `<prefix>node`, and expects the same answer files. */
async function expectSameAnswers(model: string, prefix: string): Promise<void> {
  for (const backend of ['chromium', 'node']) {
    const run = await cli(popeArgs(backend, model, join(work, `${prefix}${backend}`)));
    expect(run.code, run.err).toBe(0);
  }
  for (const method of ['baseline', 'damro']) {
    const [gpu, cpu] = ['chromium', 'node'].map((backend) =>
      readFileSync(join(work, `${prefix}${backend}`, `${method}.jsonl`), 'utf8'),
    );
    expect(gpu.split('\n').filter(Boolean)).toHaveLength(6);
    expect(gpu, method).toBe(cpu);
  }
}

describe('eval CLI on the Chromium backend', () => {
  it('writes the same POPE answers as the Node backend for one image', async () => {
    // The model's own input size, so neither side resizes (canvas and sharp interpolate differently).
    const rgba = new Uint8ClampedArray(32 * 32 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 29) % 256));
    writeFileSync(join(work, 'COCO_val2014_000000310196.jpg'), encodePng(rgba, 32, 32));
    await expectSameAnswers('synthetic-llava-tiny', '');
  });

  it('reports a worker error by its code, as a message and exit 2, not a stack trace', async () => {
    writeFileSync(
      join(work, 'COCO_val2014_000000310196.jpg'),
      encodePng(new Uint8ClampedArray(32 * 32 * 4).fill(255), 32, 32),
    );
    // k past the model's 16 image tokens: the worker refuses the benchmark call with 'bad-request'.
    const run = await cli(
      popeArgs('chromium', 'synthetic-llava-tiny', join(work, 'k99'), { k: '99', maxNewTokens: '2' }),
    );
    expect(run.code, run.err).toBe(2);
    expect(run.err).toMatch(/^eval: DAMRO's k must be between 1 and the 16 image tokens of this model; got 99\.$/m);
    expect(run.err).not.toContain('usage:');
    expect(run.err).not.toMatch(/internal error|\n\s+at /);
  });

  it('--model DIR: a model folder on disk that the site does not ship loads in Chromium and answers as in Node', async () => {
    const dir = join(work, 'my-own-export');
    await writeModelFolder(dir, makeLlavaModel({ size: 'tiny', dtype: 'fp32', seed: 7 }).files);
    const rgba = new Uint8ClampedArray(32 * 32 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 13) % 256));
    writeFileSync(join(work, 'COCO_val2014_000000310196.jpg'), encodePng(rgba, 32, 32));
    await expectSameAnswers(dir, 'dir-');
    const recorded = JSON.parse(readFileSync(join(work, 'dir-chromium', 'run.json'), 'utf8'));
    expect(recorded.sessionDtypes).toEqual({ vision: 'fp32', embed: 'fp32', decoder: 'fp32' });
  });
});
