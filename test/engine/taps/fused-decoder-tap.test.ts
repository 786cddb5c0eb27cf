// Attention rows of fused decoders recomputed from the exposed query and the present keys, on ORT's wasm EP in
// Node, through a prefill and cached steps, for both rows of an unpadded batch: GroupQueryAttention (rotary
// inside, 2 KV heads for 4 query heads) against the op's own probabilities (qk_output = 2), and
// MultiHeadAttention (rotary outside) against the eager twin's Softmax with the same weights.
import { describe, expect, it } from 'vitest';
import { ort } from '../../../src/engine/runtime/ort';
import { readDecoderAttention, tapDecoder } from '../../../src/engine/taps/decoder-tap';
import { readFusedAttention, tapFusedDecoder } from '../../../src/engine/taps/fused-decoder-tap';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import { GQA_KV_HEADS, makeGqaLlavaModel } from '../../../src/factory/gqa/make-model';
import { SIZES } from '../../../src/factory/llava/dims';
import { Rng } from '../../../src/factory/rng';

const t = SIZES.tiny.text;
const HEADS = t.heads;
const D = t.hidden / t.heads;
const withQk = makeGqaLlavaModel({ qkOutput: true }).get('onnx/decoder_model_merged.onnx')!;
const rng = new Rng(11, 'gqa-tap');
const embeds = (batch: number, length: number) =>
  new ort.Tensor(
    'float32',
    Float32Array.from({ length: batch * length * t.hidden }, () => rng.normal()),
    [batch, length, t.hidden],
  );
const ones = (batch: number, length: number) =>
  new ort.Tensor('int64', new BigInt64Array(batch * length).fill(1n), [batch, length]);

describe('GroupQueryAttention rows recomputed from query and present keys', () => {
  it('match the op’s own qk_output within 1e-4 at every step, layer, head and row', async () => {
    const { bytes, tap } = tapFusedDecoder(withQk);
    expect(tap.layers).toBe(t.layers);
    expect(tap.sites.map((s) => [s.heads, s.kvHeads])).toEqual([
      [HEADS, GQA_KV_HEADS],
      [HEADS, GQA_KV_HEADS],
    ]);
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const batch = 2;
    let feeds: Record<string, ort.Tensor> = { inputs_embeds: embeds(batch, 7), attention_mask: ones(batch, 7) };
    for (let l = 0; l < t.layers; l++)
      for (const kind of ['key', 'value'])
        feeds[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
          batch,
          GQA_KV_HEADS,
          0,
          D,
        ]);
    let worst = 0;
    let withoutRotary = 0;
    let total = 7;
    for (let step = 0; step < 3; step++) {
      const outputs = await session.run(feeds);
      // The oracle is sharp: leaving out the op's rotary on the query gives visibly different rows.
      const unrotated = readFusedAttention({ ...tap, rotary: tap.rotary.map(() => undefined) }, outputs, 0, 0, total);
      const rotated = readFusedAttention(tap, outputs, 0, 0, total);
      rotated.forEach((p, i) => (withoutRotary = Math.max(withoutRotary, Math.abs(p - unrotated[i]!))));
      for (let row = 0; row < batch; row++) {
        const rows = readFusedAttention(tap, outputs, row, 0, total);
        for (let l = 0; l < t.layers; l++) {
          const probs = outputs[`attn_probs.${l}`]!;
          const [, , queries, keys] = probs.dims as number[];
          expect(keys).toBe(total);
          const data = probs.data as Float32Array;
          for (let h = 0; h < HEADS; h++) {
            const from = ((row * HEADS + h) * queries + queries - 1) * keys;
            const expected = data.subarray(from, from + keys);
            const actual = rows.subarray((l * HEADS + h) * total, (l * HEADS + h + 1) * total);
            expected.forEach((p, j) => (worst = Math.max(worst, Math.abs(p - actual[j]!))));
          }
        }
      }
      total += 1;
      const next: Record<string, ort.Tensor> = { inputs_embeds: embeds(batch, 1), attention_mask: ones(batch, total) };
      for (let l = 0; l < t.layers; l++)
        for (const kind of ['key', 'value']) next[`past_key_values.${l}.${kind}`] = outputs[`present.${l}.${kind}`]!;
      feeds = next;
    }
    expect(worst).toBeLessThan(1e-4);
    expect(withoutRotary).toBeGreaterThan(1e-2);
    await session.release();
  });

  it('picks the image span out of the full row', async () => {
    const { bytes, tap } = tapFusedDecoder(withQk);
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const feeds: Record<string, ort.Tensor> = { inputs_embeds: embeds(1, 6), attention_mask: ones(1, 6) };
    for (let l = 0; l < t.layers; l++)
      for (const kind of ['key', 'value'])
        feeds[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, GQA_KV_HEADS, 0, D]);
    const outputs = await session.run(feeds);
    const full = readFusedAttention(tap, outputs, 0, 0, 6);
    const span = readFusedAttention(tap, outputs, 0, 2, 3);
    for (let lh = 0; lh < t.layers * HEADS; lh++)
      expect(Array.from(span.subarray(lh * 3, lh * 3 + 3))).toEqual(Array.from(full.subarray(lh * 6 + 2, lh * 6 + 5)));
    expect(() => readFusedAttention(tap, outputs, 0, 4, 3)).toThrow(/outside the 6 attended positions/);
    await session.release();
  });
});

describe('GroupQueryAttention with a sliding window on one layer (global on the other) and soft-capped scores', () => {
  // Window 3: at position p, layer 0 sees keys p−2..p only (the 3 most recent, as onnxruntime counts); softcap 0.5
  // squashes these scores (|q·k·scale| up to ~2).
  const windowed = makeGqaLlavaModel({ qkOutput: true, windows: [3, -1], softcap: 0.5 }).get(
    'onnx/decoder_model_merged.onnx',
  )!;

  it('reads each layer’s window and cap from the graph', () => {
    const { tap } = tapFusedDecoder(windowed);
    expect(tap.sites.map((s) => [s.window, s.softcap])).toEqual([
      [3, 0.5],
      [undefined, 0.5],
    ]);
  });

  it('recomputed rows match the op’s own qk_output within 1e-4 through a prefill and cached steps, and the oracle sees window and cap', async () => {
    const { bytes, tap } = tapFusedDecoder(windowed);
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    let feeds: Record<string, ort.Tensor> = { inputs_embeds: embeds(1, 9), attention_mask: ones(1, 9) };
    for (let l = 0; l < t.layers; l++)
      for (const kind of ['key', 'value'])
        feeds[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, GQA_KV_HEADS, 0, D]);
    let worst = 0;
    let plainDiff = 0;
    let total = 9;
    for (let step = 0; step < 3; step++) {
      const outputs = await session.run(feeds);
      const rows = readFusedAttention(tap, outputs, 0, 0, total);
      const plain = readFusedAttention(
        { ...tap, sites: tap.sites.map((site) => ({ ...site, window: undefined, softcap: undefined })) },
        outputs,
        0,
        0,
        total,
      );
      for (let l = 0; l < t.layers; l++) {
        const probs = outputs[`attn_probs.${l}`]!;
        const [, , queries, keys] = probs.dims as number[];
        const data = probs.data as Float32Array;
        for (let h = 0; h < HEADS; h++) {
          const from = (h * queries + queries - 1) * keys;
          const at = (l * HEADS + h) * total;
          data.subarray(from, from + keys).forEach((p, j) => {
            worst = Math.max(worst, Math.abs(p - rows[at + j]!));
            plainDiff = Math.max(plainDiff, Math.abs(p - plain[at + j]!));
          });
          // Outside layer 0's window the op gives exactly 0.
          if (l === 0) for (let j = 0; j < total - 3; j++) expect(data[from + j]).toBe(0);
        }
      }
      total += 1;
      const next: Record<string, ort.Tensor> = { inputs_embeds: embeds(1, 1), attention_mask: ones(1, total) };
      for (let l = 0; l < t.layers; l++)
        for (const kind of ['key', 'value']) next[`past_key_values.${l}.${kind}`] = outputs[`present.${l}.${kind}`]!;
      feeds = next;
    }
    expect(worst).toBeLessThan(1e-4);
    expect(plainDiff).toBeGreaterThan(1e-2);
    await session.release();
  });
});

describe('MultiHeadAttention decoder rows recomputed from the (rotated) query and present keys', () => {
  it('match the eager twin’s Softmax rows within 1e-4 through a prefill and cached steps', async () => {
    const weightsOf = (decoderAttention: 'eager' | 'fused-mha') =>
      makeLlavaModel({ size: 'tiny', dtype: 'fp32', decoderAttention }).files.get('onnx/decoder_model_merged.onnx')!;
    const fused = tapFusedDecoder(weightsOf('fused-mha'));
    const eager = tapDecoder(weightsOf('eager'));
    expect(fused.tap.sites.map((s) => [s.heads, s.kvHeads])).toEqual([
      [HEADS, HEADS],
      [HEADS, HEADS],
    ]);
    const [fusedSession, eagerSession] = await Promise.all(
      [fused, eager].map((e) => ort.InferenceSession.create(e.bytes, { executionProviders: ['wasm'] })),
    );
    const batch = 2;
    const positions = (from: number, length: number) =>
      new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: batch * length }, (_, i) => BigInt(from + (i % length))),
        [batch, length],
      );
    let feeds: Record<string, ort.Tensor> = {
      inputs_embeds: embeds(batch, 6),
      attention_mask: ones(batch, 6),
      position_ids: positions(0, 6),
    };
    for (let l = 0; l < t.layers; l++)
      for (const kind of ['key', 'value'])
        feeds[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [batch, HEADS, 0, D]);
    let worst = 0;
    let total = 6;
    for (let step = 0; step < 3; step++) {
      const [a, b] = [await fusedSession!.run(feeds), await eagerSession!.run(feeds)];
      for (let row = 0; row < batch; row++) {
        const recomputed = readFusedAttention(fused.tap, a, row, 0, total);
        const reference = readDecoderAttention(eager.tap, b, row, 0, total);
        reference.forEach((p, i) => (worst = Math.max(worst, Math.abs(p - recomputed[i]!))));
      }
      const next: Record<string, ort.Tensor> = {
        inputs_embeds: embeds(batch, 1),
        attention_mask: ones(batch, total + 1),
        position_ids: positions(total, 1),
      };
      for (let l = 0; l < t.layers; l++)
        for (const kind of ['key', 'value']) next[`past_key_values.${l}.${kind}`] = a[`present.${l}.${kind}`]!;
      // Both graphs continue from the same cache, so each step compares like with like.
      feeds = next;
      total += 1;
    }
    expect(worst).toBeLessThan(1e-4);
  });
});
