// `npm run bench:taps`: what attention taps cost. (1) Editing a model file: scan + site finding + splice time
// and the extra memory it holds, against file size, for the tiny and the bench-size synthetic LLaVA (the latter
// generated once into the OS temp dir; that takes a few minutes). (2) Per decode step, ORT wasm in Node: the
// tapped decoder (plus reading one row's image attention) against the untapped one. A report, not a test.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ort } from '../../src/engine/runtime/ort';
import { readDecoderAttention, tapDecoder } from '../../src/engine/taps/decoder-tap';
import { tapVisionEncoder } from '../../src/engine/taps/vision-tap';
import { headDim, patchCount, SIZES, type ModelSize } from '../../src/factory/llava/dims';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';

const MiB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function modelFolder(size: ModelSize): Promise<string> {
  const dir = join(tmpdir(), 'damro-lens-bench', `llava-${size}-fp32`);
  if (!existsSync(join(dir, 'onnx', 'decoder_model_merged.onnx'))) {
    const started = performance.now();
    console.log(`generating the ${size} synthetic LLaVA into ${dir} …`);
    await writeModelFolder(dir, makeLlavaModel({ size, dtype: 'fp32' }).files);
    console.log(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  return dir;
}

const REPEATS = 3;

function benchSplice(label: string, bytes: Uint8Array, edit: (bytes: Uint8Array) => { bytes: Uint8Array }): string[] {
  gc();
  const before = process.memoryUsage();
  let started = performance.now();
  let edited: { bytes: Uint8Array } | undefined = edit(bytes);
  const times = [performance.now() - started];
  const after = process.memoryUsage();
  const extra = after.arrayBuffers - before.arrayBuffers;
  const heap = Math.max(0, after.heapUsed - before.heapUsed);
  const added = edited.bytes.length - bytes.length;
  for (let i = 1; i < REPEATS; i++) {
    edited = undefined;
    gc();
    started = performance.now();
    edited = edit(bytes);
    times.push(performance.now() - started);
  }
  const ms = times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!;
  return [
    label,
    (bytes.length / MiB).toFixed(2),
    ms.toFixed(1),
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
  console.log(`ms = median of ${REPEATS}, mostly first-touch of the output's pages; extra = array-buffer memory held after the edit`);
  console.log('with input and output alive (1.0 × file = one copy); heap = JS heap growth (the scanned structure)\n');
  const folders = { tiny: await modelFolder('tiny'), bench: await modelFolder('bench') };
  const rows = [['file', 'MiB', 'ms', 'MiB/s', 'extra MiB', 'extra/file', 'heap MiB', '+bytes']];
  for (const size of ['tiny', 'bench'] as const) {
    const dir = folders[size];
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
  const size = 'bench';
  const dims = SIZES[size];
  const t = dims.text;
  const d = headDim(t.hidden, t.heads);
  const imageTokens = patchCount(dims.vision);
  const prefix = 5;
  const length = prefix + imageTokens + 12;
  const steps = 24;
  console.log(`\n## Decode step, ${size} decoder (${t.layers} layers × ${t.heads} heads), ORT wasm in Node, one row of ${length} tokens (${imageTokens} image)\n`);

  const dir = await modelFolder(size);
  const original = new Uint8Array(await readFile(join(dir, 'onnx', 'decoder_model_merged.onnx')));
  const { bytes, tap } = tapDecoder(original);
  const plain = await ort.InferenceSession.create(original);
  const tapped = await ort.InferenceSession.create(bytes);

  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2;
  const f32 = (data: Float32Array, shape: number[]) => new ort.Tensor('float32', data, shape);
  const i64 = (values: number[], shape: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), shape);
  const prefillFeeds = (): Feeds => {
    const feeds: Feeds = {
      inputs_embeds: f32(Float32Array.from({ length: length * t.hidden }, random), [1, length, t.hidden]),
      attention_mask: i64(new Array<number>(length).fill(1), [1, length]),
      position_ids: i64(Array.from({ length }, (_, i) => i), [1, length]),
    };
    for (let l = 0; l < t.layers; l++) for (const kind of ['key', 'value']) feeds[`past_key_values.${l}.${kind}`] = f32(new Float32Array(0), [1, t.heads, 0, d]);
    return feeds;
  };

  const state = new Map<ort.InferenceSession, Feeds>();
  const timings = new Map<ort.InferenceSession, number[]>([
    [plain, []],
    [tapped, []],
  ]);
  const prefillMs = new Map<ort.InferenceSession, number>();
  async function advance(session: ort.InferenceSession, total: number, first: boolean): Promise<void> {
    const feeds = first ? prefillFeeds() : state.get(session)!;
    const started = performance.now();
    const out = await session.run(feeds);
    await out.logits!.getData();
    if (session === tapped) readDecoderAttention(tap, out, 0, prefix, imageTokens);
    const ms = performance.now() - started;
    if (first) prefillMs.set(session, ms);
    else timings.get(session)!.push(ms);
    const next: Feeds = {
      inputs_embeds: f32(Float32Array.from({ length: t.hidden }, random), [1, 1, t.hidden]),
      attention_mask: i64(new Array<number>(total + 1).fill(1), [1, total + 1]),
      position_ids: i64([total], [1, 1]),
    };
    for (let l = 0; l < t.layers; l++) {
      next[`past_key_values.${l}.key`] = out[`present.${l}.key`]!;
      next[`past_key_values.${l}.value`] = out[`present.${l}.value`]!;
    }
    state.set(session, next);
  }
  // Interleaved so that machine noise hits both alike.
  for (let s = 0; s <= steps; s++) {
    for (const session of [plain, tapped]) await advance(session, length + s, s === 0);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rows = [
    ['decoder', 'first call ms', 'median step ms', 'min step ms'],
    ['untapped', prefillMs.get(plain)!.toFixed(1), median(timings.get(plain)!).toFixed(2), Math.min(...timings.get(plain)!).toFixed(2)],
    ['tapped + read', prefillMs.get(tapped)!.toFixed(1), median(timings.get(tapped)!).toFixed(2), Math.min(...timings.get(tapped)!).toFixed(2)],
  ];
  table(rows);
  const ratio = (f: (xs: number[]) => number) => (f(timings.get(tapped)!) / f(timings.get(plain)!)).toFixed(3);
  const tapBytes = t.layers * t.heads * (length + steps) * 4;
  console.log(`\nstep cost tapped/untapped: ${ratio(median)} (medians), ${ratio((xs) => Math.min(...xs))} (minima; less sensitive to a busy machine)`);
  console.log(`tap output per step ≈ ${(tapBytes / 1024).toFixed(0)} KiB ([1, ${t.layers * t.heads}, 1, keys])`);
  await Promise.all([plain.release(), tapped.release()]);
}

await spliceReport();
await decodeReport();
