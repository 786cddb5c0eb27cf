// Shared by the factory tests: ORT feeds through the one ORT module, comparisons, and a greedy decode on the
// reference forward pass (the oracle for generate()).
import { ort } from '../../../src/engine/runtime/ort';
import { headDim } from '../../../src/factory/llava/dims';
import { SPECIAL_IDS } from '../../../src/factory/llava/vocabulary';
import type { LlavaWeights } from '../../../src/factory/llava/weights';
import { referenceDecoder, referenceEmbed, type KeyValue } from '../../../src/factory/reference/decoder-forward';

export type Feeds = Record<string, InstanceType<typeof ort.Tensor>>;

export const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
export const i64 = (rows: number[][]) =>
  new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);

export async function run(model: Uint8Array, feeds: Feeds): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run(feeds);
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, t.data as Float32Array]));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Deterministic smooth test image in [-2, 2], [3, S, S]. */
export function testPixels(size: number, phase = 0): Float32Array {
  return new Float32Array(3 * size * size).map((_, i) => 2 * Math.sin(i * 0.37 + phase) * Math.cos(i * 0.011));
}

/** Empty past_key_values feeds for a batch. */
export function emptyPast(w: LlavaWeights, batch: number): Feeds {
  const t = w.dims.text;
  const feeds: Feeds = {};
  for (let l = 0; l < t.layers; l++) {
    for (const kind of ['key', 'value'])
      feeds[`past_key_values.${l}.${kind}`] = f32(new Float32Array(0), [batch, t.heads, 0, headDim(t.hidden, t.heads)]);
  }
  return feeds;
}

export const argmax = (row: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
};

/** inputs_embeds for one sequence with the image-token positions replaced by image feature rows, in order. */
export function mergedEmbeds(w: LlavaWeights, ids: number[], imageFeatures: Float64Array | null): Float64Array {
  const h = w.dims.text.hidden;
  const embeds = referenceEmbed(w, [ids]);
  let row = 0;
  ids.forEach((id, i) => {
    if (id !== SPECIAL_IDS.image || !imageFeatures) return;
    embeds.set(imageFeatures.subarray(row * h, (row + 1) * h), i * h);
    row++;
  });
  return embeds;
}

/** Greedy decode of one unpadded sequence on the reference forward pass; stops at EOS. */
export function referenceGreedy(w: LlavaWeights, prefix: Float64Array, maxNew: number): number[] {
  const h = w.dims.text.hidden;
  const vocab = w.dims.text.vocabSize;
  let embeds = prefix;
  let past: KeyValue[] | undefined;
  let total = 0;
  const out: number[] = [];
  for (let step = 0; step < maxNew; step++) {
    const seq = embeds.length / h;
    const positions = Array.from({ length: seq }, (_, i) => total + i);
    total += seq;
    const result = referenceDecoder(w, {
      embeds,
      batch: 1,
      attentionMask: [Array(total).fill(1)],
      positionIds: [positions],
      past,
    });
    const next = argmax(result.logits.subarray((seq - 1) * vocab, seq * vocab));
    out.push(next);
    if (next === SPECIAL_IDS.eos) break;
    past = result.present;
    embeds = referenceEmbed(w, [[next]]);
  }
  return out;
}

/** The stated tolerance of q4 logits against fp32 logits (shared by the Node and Chromium tests). */
export const Q4_TOLERANCE = { maxDiffOverRange: 0.15, cosine: 0.97 } as const;

export function q4LogitAgreement(
  fp32: ArrayLike<number>,
  q4: ArrayLike<number>,
): { maxDiffOverRange: number; cosine: number } {
  let max = -Infinity;
  let min = Infinity;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < fp32.length; i++) {
    max = Math.max(max, fp32[i]!);
    min = Math.min(min, fp32[i]!);
    dot += fp32[i]! * q4[i]!;
    na += fp32[i]! ** 2;
    nb += q4[i]! ** 2;
  }
  return { maxDiffOverRange: maxAbsDiff(fp32, q4) / (max - min), cosine: dot / Math.sqrt(na * nb) };
}
