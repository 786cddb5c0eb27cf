// The LM head fed only the last position: for every decoder layout the factory makes, the head is found on the path
// to `logits`, and the edited graph's [1, 1, vocabulary] logits equal the last row of the unedited graph's
// [1, positions, vocabulary] logits under ONNX Runtime, the oracle.
import { describe, expect, it } from 'vitest';
import { findLmHead, headOnLastPosition } from '../../src/engine/onnx/last-position-head';
import { scanModel } from '../../src/engine/onnx/scan';
import { ort } from '../../src/engine/runtime/ort';
import { makeGemma3Model } from '../../src/factory/gemma3/make-model';
import { makeGqaLlavaModel } from '../../src/factory/gqa/make-model';
import { makeIdefics3Model } from '../../src/factory/idefics3/make-model';
import { makeIfMergedLlavaModel } from '../../src/factory/if-merged/make-model';
import { makeLfm2VlModel } from '../../src/factory/lfm2vl/make-model';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { makeMoondreamModel } from '../../src/factory/moondream/make-model';
import { makePaliGemmaModel } from '../../src/factory/paligemma/make-model';
import { makeQwen2VLModel } from '../../src/factory/qwen2vl/make-model';
import { Rng } from '../../src/factory/rng';

const decoderOf = (files: ReadonlyMap<string, Uint8Array>): Uint8Array =>
  [...files].find(([path]) => path.startsWith('onnx/decoder_model_merged'))![1];

const LAYOUTS: Record<string, [() => Uint8Array, string]> = {
  'LLaVA, fp32': [() => decoderOf(makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).files), 'MatMul'],
  'LLaVA, q4': [() => decoderOf(makeLlavaModel({ size: 'tiny', dtype: 'q4' }).files), 'MatMulNBits'],
  'GroupQueryAttention LLaVA': [() => decoderOf(makeGqaLlavaModel()), 'MatMul'],
  'Gemma 3 (logit soft-cap after the head)': [() => decoderOf(makeGemma3Model().files), 'MatMul'],
  PaliGemma: [() => decoderOf(makePaliGemmaModel().files), 'MatMul'],
  'Moondream 2 (head with a bias)': [() => decoderOf(makeMoondreamModel().files), 'MatMul'],
  'LFM2-VL (convolution state)': [() => decoderOf(makeLfm2VlModel().files), 'MatMul'],
  'Qwen2-VL (M-RoPE positions)': [() => decoderOf(makeQwen2VLModel().files), 'MatMul'],
  Idefics3: [() => decoderOf(makeIdefics3Model().files), 'MatMul'],
};

const POSITIONS = 7;

/** A prefill of POSITIONS random embeddings with an empty cache, whatever inputs the decoder declares. */
function prefillFeeds(session: ort.InferenceSession): Record<string, ort.Tensor> {
  const rng = new Rng(5, 'head');
  const feeds: Record<string, ort.Tensor> = {};
  const arange = (rows: number) => BigInt64Array.from({ length: rows * POSITIONS }, (_, i) => BigInt(i % POSITIONS));
  for (const input of session.inputMetadata) {
    if (!input.isTensor) continue;
    const { name, shape } = input;
    if (name === 'inputs_embeds') {
      const hidden = shape[2] as number;
      const data = Float32Array.from({ length: POSITIONS * hidden }, () => rng.uniform() - 0.5);
      feeds[name] = new ort.Tensor('float32', data, [1, POSITIONS, hidden]);
    } else if (name === 'attention_mask')
      feeds[name] = new ort.Tensor('int64', new BigInt64Array(POSITIONS).fill(1n), [1, POSITIONS]);
    else if (name === 'position_ids')
      feeds[name] =
        shape.length === 3
          ? new ort.Tensor('int64', arange(3), [3, 1, POSITIONS])
          : new ort.Tensor('int64', arange(1), [1, POSITIONS]);
    else {
      // Caches: batch 1, nothing cached yet (a symbolic length is 0; fixed sizes, such as a convolution state, stay).
      const dims = shape.map((d, i) => (i === 0 ? 1 : typeof d === 'number' ? d : 0));
      feeds[name] = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
    }
  }
  return feeds;
}

async function logits(model: Uint8Array): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const out = await session.run(prefillFeeds(session), ['logits']);
  await session.release();
  return { data: out.logits!.data as Float32Array, dims: out.logits!.dims };
}

describe('headOnLastPosition', () => {
  it.each(Object.keys(LAYOUTS))('%s: same last-position logits from a head fed one row', async (layout) => {
    const [make, headOp] = LAYOUTS[layout]!;
    const bytes = make();
    const model = scanModel(bytes);
    expect(findLmHead(model)?.opType).toBe(headOp);
    const edited = headOnLastPosition(bytes, model);
    expect(edited.head).toBe(findLmHead(model)!.name);

    const full = await logits(bytes);
    const last = await logits(edited.bytes);
    const vocab = full.dims[2]!;
    expect(full.dims).toEqual([1, POSITIONS, vocab]);
    expect(last.dims).toEqual([1, 1, vocab]);
    const expected = full.data.subarray((POSITIONS - 1) * vocab);
    let worst = 0;
    for (let v = 0; v < vocab; v++) worst = Math.max(worst, Math.abs(last.data[v]! - expected[v]!));
    expect(worst).toBeLessThan(1e-5);
    expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('leaves an If-merged decoder (logits made by the If node) as it is', () => {
    const bytes = decoderOf(makeIfMergedLlavaModel());
    const model = scanModel(bytes);
    expect(findLmHead(model)).toBeUndefined();
    expect(headOnLastPosition(bytes, model)).toEqual({ bytes });
  });
});
