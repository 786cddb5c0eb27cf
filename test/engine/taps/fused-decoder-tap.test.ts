// Attention rows of fused decoders computed inside the graph (nodes spliced after each op, from its query and present
// keys), on ORT's wasm EP in Node, through a prefill and cached steps, for both rows of an unpadded batch:
// GroupQueryAttention (rotary inside, 2 KV heads for 4 query heads; also with a sliding window on one layer and soft
// caps) against the op's own probabilities (qk_output = 2) and against the CPU recomputation from the exposed query
// (src/core/attention/query-rows.ts), and MultiHeadAttention (rotary outside) against the eager twin's Softmax.
import { describe, expect, it } from 'vitest';
import { attentionRowsFromQuery, type RotaryTables } from '../../../src/core/attention/query-rows';
import { readFloatInitializer } from '../../../src/engine/onnx/initializer-data';
import { scanModel } from '../../../src/engine/onnx/scan';
import { findFusedDecoderSites } from '../../../src/engine/onnx/sites/fused-decoder';
import { spliceGraph } from '../../../src/engine/onnx/splice';
import { ort } from '../../../src/engine/runtime/ort';
import { readDecoderAttention, tapDecoder } from '../../../src/engine/taps/decoder-tap';
import { tapFusedDecoder } from '../../../src/engine/taps/fused-decoder-tap';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import { GQA_KV_HEADS, makeGqaLlavaModel } from '../../../src/factory/gqa/make-model';
import { SIZES } from '../../../src/factory/llava/dims';
import { Rng } from '../../../src/factory/rng';
import { toFloat16Inside } from '../../../src/factory/onnx/float16';

const t = SIZES.tiny.text;
const HEADS = t.heads;
const D = t.hidden / t.heads;
const rng = new Rng(11, 'gqa-tap');
const embeds = (batch: number, length: number) =>
  new ort.Tensor(
    'float32',
    Float32Array.from({ length: batch * length * t.hidden }, () => rng.normal()),
    [batch, length, t.hidden],
  );
const ones = (batch: number, length: number) =>
  new ort.Tensor('int64', new BigInt64Array(batch * length).fill(1n), [batch, length]);
const emptyCache = (batch: number, heads: number) => {
  const feeds: Record<string, ort.Tensor> = {};
  for (let l = 0; l < t.layers; l++)
    for (const kind of ['key', 'value'])
      feeds[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [batch, heads, 0, D]);
  return feeds;
};
const nextFeeds = (outputs: Record<string, ort.Tensor>, batch: number, total: number) => {
  const next: Record<string, ort.Tensor> = { inputs_embeds: embeds(batch, 1), attention_mask: ones(batch, total) };
  for (let l = 0; l < t.layers; l++)
    for (const kind of ['key', 'value']) next[`past_key_values.${l}.${kind}`] = outputs[`present.${l}.${kind}`]!;
  return next;
};

/**
 * The tapped GQA decoder, also exposing each op's query input so the test can recompute the rows on the CPU, and a
 * CPU recomputation of one batch row's rows, [layers, heads, keys] (optionally without rotary, window and cap).
 */
function gqaWithOracle(bytes: Uint8Array) {
  const { bytes: tapped, tap } = tapFusedDecoder(bytes);
  const model = scanModel(bytes);
  const sites = findFusedDecoderSites(model);
  const exposed = spliceGraph(tapped, scanModel(tapped), { nodes: [], outputs: sites.map((s) => s.query) });
  const rotary = sites.map((site): RotaryTables => {
    const cos = readFloatInitializer(bytes, model, site.rotary!.cosCache);
    return {
      cos: cos.data,
      sin: readFloatInitializer(bytes, model, site.rotary!.sinCache).data,
      interleaved: site.rotary!.interleaved,
      half: cos.dims[1]!,
    };
  });
  const cpuRows = (outputs: Record<string, ort.Tensor>, row: number, plain = false) => {
    const parts = sites.map((site, l) => {
      const keys = outputs[site.presentKey]!;
      const [, kvHeads, totalKeys] = keys.dims as number[];
      const query = outputs[site.query]!;
      const [, seq, width] = query.dims as number[];
      const from = (row * seq + seq - 1) * width;
      const perRow = kvHeads! * totalKeys! * D;
      return attentionRowsFromQuery({
        query: (query.data as Float32Array).subarray(from, from + HEADS * D),
        keys: (keys.data as Float32Array).subarray(row * perRow, (row + 1) * perRow),
        heads: HEADS,
        kvHeads: kvHeads!,
        headDim: D,
        totalKeys: totalKeys!,
        scale: site.scale,
        position: totalKeys! - 1,
        ...(!plain && { rotary: rotary[l], window: site.window, softcap: site.softcap }),
      });
    });
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.forEach((part, l) => out.set(part, l * part.length));
    return out;
  };
  return { exposed, tap, cpuRows };
}

/** The op's own last-query probabilities of one batch row, [layers, heads, keys]. */
function opRows(outputs: Record<string, ort.Tensor>, row: number): Float32Array {
  const parts: Float32Array[] = [];
  for (let l = 0; l < t.layers; l++) {
    const probs = outputs[`attn_probs.${l}`]!;
    const [, , queries, keys] = probs.dims as number[];
    for (let h = 0; h < HEADS; h++) {
      const from = ((row * HEADS + h) * queries! + queries! - 1) * keys!;
      parts.push((probs.data as Float32Array).subarray(from, from + keys!));
    }
  }
  const out = new Float32Array(parts.length * parts[0]!.length);
  parts.forEach((p, i) => out.set(p, i * p.length));
  return out;
}

const maxDiff = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
};

describe.each([
  ['global attention', {}],
  // Window 3: at position p, layer 0 sees keys p−2..p only (the 3 most recent, as onnxruntime counts); softcap 0.5
  // squashes these scores (|q·k·scale| up to ~2).
  ['a sliding window on layer 0 and soft-capped scores', { windows: [3, -1], softcap: 0.5 }],
])('GroupQueryAttention rows computed in the graph, %s', (_, options) => {
  it('equal the op’s own qk_output and the CPU recomputation within 1e-4 at every step, layer, head and row', async () => {
    const { exposed, tap, cpuRows } = gqaWithOracle(
      makeGqaLlavaModel({ qkOutput: true, ...options }).get('onnx/decoder_model_merged.onnx')!,
    );
    expect(tap.layers).toBe(t.layers);
    const session = await ort.InferenceSession.create(exposed, { executionProviders: ['wasm'] });
    const batch = 2;
    let feeds: Record<string, ort.Tensor> = {
      inputs_embeds: embeds(batch, 9),
      attention_mask: ones(batch, 9),
      ...emptyCache(batch, GQA_KV_HEADS),
    };
    let [worstOp, worstCpu, plainDiff] = [0, 0, 0];
    let total = 9;
    for (let step = 0; step < 3; step++) {
      const outputs = await session.run(feeds);
      expect(outputs[tap.output]!.dims).toEqual([batch, t.layers * HEADS, 1, total]);
      for (let row = 0; row < batch; row++) {
        const rows = readDecoderAttention(tap, outputs, row, 0, total);
        worstOp = Math.max(worstOp, maxDiff(rows, opRows(outputs, row)));
        worstCpu = Math.max(worstCpu, maxDiff(rows, cpuRows(outputs, row)));
        // The oracle is sharp: leaving out the op's rotary (and window and cap) gives visibly different rows.
        plainDiff = Math.max(plainDiff, maxDiff(rows, cpuRows(outputs, row, true)));
      }
      total += 1;
      feeds = nextFeeds(outputs, batch, total);
    }
    expect(worstOp).toBeLessThan(1e-4);
    expect(worstCpu).toBeLessThan(1e-4);
    expect(plainDiff).toBeGreaterThan(1e-2);
    await session.release();
  });
});

describe('GroupQueryAttention rows of a right-padded batch', () => {
  it('give each row only the keys it holds: the same rows as the row run alone (1e-5), 0 over the padding', async () => {
    const bytes = makeGqaLlavaModel({ windows: [3, -1], softcap: 0.5 }).get('onnx/decoder_model_merged.onnx')!;
    const { bytes: tapped, tap } = tapFusedDecoder(bytes);
    const session = await ort.InferenceSession.create(tapped, { executionProviders: ['wasm'] });
    // Row 0 holds 7 keys, row 1 holds 5: prefill each alone, then step both in one right-padded batch.
    const prompts = [embeds(1, 7), embeds(1, 5)];
    const caches: Record<string, ort.Tensor>[] = [];
    for (const prompt of prompts)
      caches.push(
        await session.run({ inputs_embeds: prompt, attention_mask: ones(1, prompt.dims[1]!), ...emptyCache(1, 2) }),
      );
    const width = 8;
    const padded = (name: string) => {
      const out = new Float32Array(2 * GQA_KV_HEADS * (width - 1) * D);
      caches.forEach((cache, r) => {
        const src = cache[name]!.data as Float32Array;
        const length = cache[name]!.dims[2]!;
        for (let h = 0; h < GQA_KV_HEADS; h++)
          out.set(src.subarray(h * length * D, (h + 1) * length * D), (r * GQA_KV_HEADS + h) * (width - 1) * D);
      });
      return new ort.Tensor('float32', out, [2, GQA_KV_HEADS, width - 1, D]);
    };
    const step = embeds(2, 1);
    const mask = new BigInt64Array(2 * width);
    mask.fill(1n, 0, 8);
    mask.fill(1n, width, width + 6);
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: step,
      attention_mask: new ort.Tensor('int64', mask, [2, width]),
    };
    for (let l = 0; l < t.layers; l++)
      for (const kind of ['key', 'value']) feeds[`past_key_values.${l}.${kind}`] = padded(`present.${l}.${kind}`);
    const batched = await session.run(feeds);
    for (let r = 0; r < 2; r++) {
      const held = prompts[r]!.dims[1]! + 1;
      const aloneFeeds: Record<string, ort.Tensor> = {
        inputs_embeds: new ort.Tensor('float32', (step.data as Float32Array).slice(r * t.hidden, (r + 1) * t.hidden), [
          1,
          1,
          t.hidden,
        ]),
        attention_mask: ones(1, held),
      };
      for (let l = 0; l < t.layers; l++)
        for (const kind of ['key', 'value'])
          aloneFeeds[`past_key_values.${l}.${kind}`] = caches[r]![`present.${l}.${kind}`]!;
      const alone = readDecoderAttention(tap, await session.run(aloneFeeds), 0, 0, held);
      expect(maxDiff(readDecoderAttention(tap, batched, r, 0, held), alone)).toBeLessThan(1e-5);
      if (held < width)
        expect(Array.from(readDecoderAttention(tap, batched, r, held, width - held))).toEqual(
          new Array(t.layers * HEADS * (width - held)).fill(0),
        );
    }
    await session.release();
  });
});

describe('MultiHeadAttention decoder rows computed in the graph from the (rotated) query and present keys', () => {
  it('match the eager twin’s Softmax rows within 1e-4 through a prefill and cached steps', async () => {
    const weightsOf = (decoderAttention: 'eager' | 'fused-mha') =>
      makeLlavaModel({ size: 'tiny', dtype: 'fp32', decoderAttention }).files.get('onnx/decoder_model_merged.onnx')!;
    const fused = tapFusedDecoder(weightsOf('fused-mha'));
    const eager = tapDecoder(weightsOf('eager'));
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
      ...emptyCache(batch, HEADS),
    };
    let worst = 0;
    let total = 6;
    for (let step = 0; step < 3; step++) {
      const [a, b] = [await fusedSession!.run(feeds), await eagerSession!.run(feeds)];
      for (let row = 0; row < batch; row++)
        worst = Math.max(
          worst,
          maxDiff(readDecoderAttention(fused.tap, a, row, 0, total), readDecoderAttention(eager.tap, b, row, 0, total)),
        );
      // Both graphs continue from the same cache, so each step compares like with like.
      feeds = { ...nextFeeds(a, batch, total + 1), position_ids: positions(total, 1) };
      total += 1;
    }
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('GroupQueryAttention rows computed in the graph of a float16 decoder (q4f16 layout, float16 KV cache)', () => {
  it('match the op’s own qk_output within float16 precision (2e-3) through a prefill and cached steps', async () => {
    const bytes = toFloat16Inside(
      makeGqaLlavaModel({ qkOutput: true, windows: [3, -1], softcap: 0.5 }).get('onnx/decoder_model_merged.onnx')!,
      (name) => /^(past_key_values|present)\./.test(name),
    );
    const { bytes: tapped, tap } = tapFusedDecoder(bytes);
    const session = await ort.InferenceSession.create(tapped, { executionProviders: ['wasm'] });
    const half = (batch: number) => {
      const feeds: Record<string, ort.Tensor> = {};
      for (let l = 0; l < t.layers; l++)
        for (const kind of ['key', 'value'])
          feeds[`past_key_values.${l}.${kind}`] = new ort.Tensor('float16', new Uint16Array(0), [
            batch,
            GQA_KV_HEADS,
            0,
            D,
          ]);
      return feeds;
    };
    let feeds: Record<string, ort.Tensor> = { inputs_embeds: embeds(2, 9), attention_mask: ones(2, 9), ...half(2) };
    let worst = 0;
    let total = 9;
    for (let step = 0; step < 3; step++) {
      const outputs = await session.run(feeds);
      expect(outputs['present.0.key']!.type).toBe('float16');
      for (let row = 0; row < 2; row++)
        worst = Math.max(worst, maxDiff(readDecoderAttention(tap, outputs, row, 0, total), opRows(outputs, row)));
      total += 1;
      feeds = nextFeeds(outputs, 2, total);
    }
    expect(worst).toBeLessThan(2e-3);
    await session.release();
  });
});
