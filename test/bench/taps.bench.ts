// `npm run bench:taps`: what attention taps cost. (1) Editing a model file: scan + site finding + splice time
// and the extra memory it holds, against file size, for the tiny and the bench-size synthetic LLaVA (the latter
// generated once into the OS temp dir; that takes a few minutes). (2) Per decode step, ORT wasm in Node: the
// tapped decoder (plus reading one row's image attention) against the untapped one, warmed up, then in
// interleaved rounds; medians with interquartile ranges, the ratio between medians. A report, not a test.
// Options: --size tiny|bench (the decode report's model, default bench), --rounds N (default 5).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ort } from '../../src/engine/runtime/ort';
import { readDecoderAttention, tapDecoder } from '../../src/engine/taps/decoder-tap';
import { tapVisionEncoder } from '../../src/engine/taps/vision-tap';
import { headDim, patchCount, SIZES, type ModelSize } from '../../src/factory/llava/dims';
import { benchModelFolder } from './bench-model';
import { formatSummary, interleaved, ratioOfMedians, relativeSpread, summarize } from './stats';

const MiB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const { values } = parseArgs({
  options: { size: { type: 'string', default: 'bench' }, rounds: { type: 'string', default: '5' } },
});
const decodeSize: ModelSize = values.size === 'tiny' ? 'tiny' : 'bench';
const ROUNDS = Number(values.rounds);

const modelFolder = (size: ModelSize) => benchModelFolder(size, 'fp32');

function benchSplice(label: string, bytes: Uint8Array, edit: (bytes: Uint8Array) => { bytes: Uint8Array }): string[] {
  gc();
  const before = process.memoryUsage();
  // The first edit is the warm-up: its time is dropped, and it measures the memory an edit holds.
  let edited: { bytes: Uint8Array } | undefined = edit(bytes);
  const times: number[] = [];
  const after = process.memoryUsage();
  const extra = after.arrayBuffers - before.arrayBuffers;
  const heap = Math.max(0, after.heapUsed - before.heapUsed);
  const added = edited.bytes.length - bytes.length;
  for (let i = 0; i < ROUNDS; i++) {
    edited = undefined;
    gc();
    const started = performance.now();
    edited = edit(bytes);
    times.push(performance.now() - started);
  }
  const time = summarize(times);
  const ms = time.median;
  return [
    label,
    (bytes.length / MiB).toFixed(2),
    formatSummary(time),
    (bytes.length / MiB / (ms / 1000)).toFixed(0),
    (extra / MiB).toFixed(2),
    (extra / bytes.length).toFixed(3),
    (heap / MiB).toFixed(1),
    String(added),
  ];
}

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padStart(widths[c]!)).join('  '));
}

async function spliceReport(): Promise<void> {
  console.log('\n## Splice: tap edit (scan + find sites + splice) vs file size');
  console.log(
    `ms = median (IQR) of ${ROUNDS} after one warm-up, mostly first-touch of the output's pages; extra = array-buffer memory held after the edit`,
  );
  console.log('with input and output alive (1.0 × file = one copy); heap = JS heap growth (the scanned structure)\n');
  const sizes = [...new Set<ModelSize>(['tiny', decodeSize])];
  const rows = [['file', 'MiB', 'ms', 'MiB/s', 'extra MiB', 'extra/file', 'heap MiB', '+bytes']];
  for (const size of sizes) {
    const dir = await modelFolder(size);
    const layer = SIZES[size].vision.layers - 2;
    const visionAt = (b: Uint8Array) => tapVisionEncoder(b, { layer, scorers: ['clip-single-head', 'head-mean'] });
    let bytes: Uint8Array | undefined = new Uint8Array(await readFile(join(dir, 'onnx', 'vision_encoder.onnx')));
    rows.push(benchSplice(`${size} vision_encoder`, bytes, visionAt));
    bytes = undefined;
    bytes = new Uint8Array(await readFile(join(dir, 'onnx', 'decoder_model_merged.onnx')));
    rows.push(benchSplice(`${size} decoder`, bytes, tapDecoder));
    bytes = undefined;
  }
  table(rows);
}

type Feeds = Record<string, ort.Tensor>;

async function decodeReport(): Promise<void> {
  const size = decodeSize;
  const dims = SIZES[size];
  const t = dims.text;
  const d = headDim(t.hidden, t.heads);
  const imageTokens = patchCount(dims.vision);
  const prefix = 5;
  const length = prefix + imageTokens + 12;
  const steps = 16;
  console.log(
    `\n## Decode step, ${size} decoder (${t.layers} layers × ${t.heads} heads), ORT wasm in Node, one row of ${length} tokens (${imageTokens} image)\n`,
  );

  const dir = await modelFolder(size);
  const original = new Uint8Array(await readFile(join(dir, 'onnx', 'decoder_model_merged.onnx')));
  const { bytes, tap } = tapDecoder(original);
  const plain = await ort.InferenceSession.create(original);
  const tapped = await ort.InferenceSession.create(bytes);

  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2;
  const f32 = (data: Float32Array, shape: number[]) => new ort.Tensor('float32', data, shape);
  const i64 = (values: number[], shape: number[]) =>
    new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), shape);
  const prefillFeeds = (): Feeds => {
    const feeds: Feeds = {
      inputs_embeds: f32(Float32Array.from({ length: length * t.hidden }, random), [1, length, t.hidden]),
      attention_mask: i64(new Array<number>(length).fill(1), [1, length]),
      position_ids: i64(
        Array.from({ length }, (_, i) => i),
        [1, length],
      ),
    };
    for (let l = 0; l < t.layers; l++)
      for (const kind of ['key', 'value'])
        feeds[`past_key_values.${l}.${kind}`] = f32(new Float32Array(0), [1, t.heads, 0, d]);
    return feeds;
  };

  const stepFeeds = (out: ort.InferenceSession.OnnxValueMapType, total: number): Feeds => {
    const next: Feeds = {
      inputs_embeds: f32(Float32Array.from({ length: t.hidden }, random), [1, 1, t.hidden]),
      attention_mask: i64(new Array<number>(total + 1).fill(1), [1, total + 1]),
      position_ids: i64([total], [1, 1]),
    };
    for (let l = 0; l < t.layers; l++) {
      next[`past_key_values.${l}.key`] = out[`present.${l}.key`]!;
      next[`past_key_values.${l}.value`] = out[`present.${l}.value`]!;
    }
    return next;
  };
  /** A prefill and `steps` decode steps; returns the prefill's time and the run's median step time. */
  async function decodeRun(session: ort.InferenceSession): Promise<{ prefillMs: number; stepMs: number }> {
    let feeds = prefillFeeds();
    const times: number[] = [];
    for (let s = 0; s <= steps; s++) {
      const started = performance.now();
      const out = await session.run(feeds);
      await out.logits!.getData();
      if (session === tapped) readDecoderAttention(tap, out, 0, prefix, imageTokens);
      times.push(performance.now() - started);
      feeds = stepFeeds(out, length + s);
    }
    return { prefillMs: times[0]!, stepMs: summarize(times.slice(1)).median };
  }
  // Warmed up, then interleaved round by round so that drift in the machine's load hits both alike.
  const runs = await interleaved(
    { untapped: () => decodeRun(plain), tapped: () => decodeRun(tapped) },
    { warmup: 1, rounds: ROUNDS },
  );
  const prefill = (key: keyof typeof runs) => summarize(runs[key].map((r) => r.prefillMs));
  const step = (key: keyof typeof runs) => summarize(runs[key].map((r) => r.stepMs));
  console.log(
    `ms, median (IQR) over ${ROUNDS} rounds of a prefill and ${steps} steps (a round's step time is its median step)\n`,
  );
  table([
    ['decoder', 'prefill ms', 'step ms'],
    ['untapped', formatSummary(prefill('untapped')), formatSummary(step('untapped'), 2)],
    ['tapped + read', formatSummary(prefill('tapped')), formatSummary(step('tapped'), 2)],
  ]);
  const spread = [step('tapped'), step('untapped')].map((x) => `${(100 * relativeSpread(x)).toFixed(0)}%`).join(', ');
  console.log(
    `\nstep cost tapped/untapped: ${ratioOfMedians(step('tapped'), step('untapped')).toFixed(3)} (ratio of medians; spreads IQR/median ${spread})`,
  );
  const tapBytes = t.layers * t.heads * (length + steps) * 4;
  console.log(`tap output per step ≈ ${(tapBytes / 1024).toFixed(0)} KiB ([1, ${t.layers * t.heads}, 1, keys])`);
  await Promise.all([plain.release(), tapped.release()]);
}

await spliceReport();
await decodeReport();
