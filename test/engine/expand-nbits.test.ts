// MatMulNBits rewritten as MatMul over fp32 weights for the CPU backend. The oracle is ONNX Runtime's own MatMulNBits
// kernel on the unexpanded graph: same inputs, outputs within float summation error, for the layouts exporters write
// (symmetric 4-bit, packed zero points, 8-bit, a K that is not a block multiple, weights in external-data files) and
// for the tiny q4 decoder as a whole. Layouts the rewrite does not handle are left as they are, with the reason.
import { describe, expect, it } from 'vitest';
import { CPU_EXPANSION_BUDGET_BYTES, expandNBitsMatMuls } from '../../src/engine/onnx/expand-nbits';
import type { ExternalFile } from '../../src/engine/onnx/initializer-data';
import { scanModel } from '../../src/engine/onnx/scan';
import { ort } from '../../src/engine/runtime/ort';
import { mergeDecoders } from '../../src/factory/if-merged/make-model';
import { buildDecoderGraph } from '../../src/factory/llava/decoder-graph';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { makeQ4f16LlavaModel } from '../../src/factory/q4f16/make-model';
import { splitExternalData } from '../../src/factory/onnx/external-data';
import { GraphBuilder } from '../../src/factory/onnx/graph-builder';
import { DataType } from '../../src/factory/onnx/schema';
import { Rng } from '../../src/factory/rng';

interface Layout {
  readonly k: number;
  readonly n: number;
  readonly bits: number;
  readonly blockSize: number;
  readonly zeroPoints?: boolean;
  readonly bias?: boolean;
  /** Another node reads the packed weights too (they must stay). */
  readonly sharedWeights?: boolean;
}

const ROWS = 3;

function randomBytes(rng: Rng, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => rng.nextUint32() & 0xff);
}

/** One MatMulNBits node over random packed weights, scales and zero points, then a Relu that reads its output. */
function nbitsGraph(layout: Layout): Uint8Array {
  const { k, n, bits, blockSize } = layout;
  const rng = new Rng(7, JSON.stringify(layout));
  const blocks = Math.ceil(k / blockSize);
  const g = new GraphBuilder('nbits');
  const x = g.input('x', DataType.FLOAT, [ROWS, k]);
  const b = g.initializer('proj.weight_Q', randomBytes(rng, (n * blocks * blockSize * bits) / 8), [
    n,
    blocks,
    (blockSize * bits) / 8,
  ]);
  const scales = g.initializer(
    'proj.weight_scales',
    Float32Array.from({ length: n * blocks }, () => 0.01 + rng.uniform() * 0.05),
    [n * blocks],
  );
  const inputs = [x, b, scales];
  if (layout.zeroPoints)
    inputs.push(
      g.initializer('proj.weight_zp', randomBytes(rng, n * Math.ceil((blocks * bits) / 8)), [
        n * Math.ceil((blocks * bits) / 8),
      ]),
    );
  if (layout.bias) {
    while (inputs.length < 5) inputs.push('');
    inputs.push(
      g.initializer(
        'proj.bias',
        Float32Array.from({ length: n }, () => rng.uniform()),
        [n],
      ),
    );
  }
  const y = g.op(
    '/proj',
    'MatMulNBits',
    inputs,
    { K: { i: k }, N: { i: n }, bits: { i: bits }, block_size: { i: blockSize } },
    'com.microsoft',
  );
  g.output(g.op('/act', 'Relu', [y]), DataType.FLOAT, [ROWS, n]);
  if (layout.sharedWeights)
    g.output(g.op('/keep', 'Identity', [b]), DataType.UINT8, [n, blocks, (blockSize * bits) / 8]);
  return g.encode();
}

async function run(bytes: Uint8Array, k: number, external: readonly ExternalFile[] = []): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    ...(external.length && { externalData: external.map(({ path, data }) => ({ path, data })) }),
  });
  const rng = new Rng(11, 'x');
  const x = Float32Array.from({ length: ROWS * k }, () => rng.uniform() * 2 - 1);
  const out = await session.run({ x: new ort.Tensor('float32', x, [ROWS, k]) });
  await session.release();
  return out[session.outputNames[0]!]!.data as Float32Array;
}

const opTypes = (bytes: Uint8Array) => scanModel(bytes).graph.nodes.map((node) => node.opType);

function expectClose(actual: Float32Array, expected: Float32Array, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThan(tolerance);
  // Random weights give outputs of order one, so the comparison is not between zeros.
  expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.1);
}

describe('expandNBitsMatMuls against ONNX Runtime’s MatMulNBits', () => {
  it.each<[string, Layout]>([
    ['symmetric 4-bit, block 32', { k: 64, n: 24, bits: 4, blockSize: 32 }],
    [
      '4-bit with packed zero points, K not a block multiple',
      { k: 72, n: 20, bits: 4, blockSize: 32, zeroPoints: true },
    ],
    ['4-bit, block 16, odd block count with zero points', { k: 48, n: 8, bits: 4, blockSize: 16, zeroPoints: true }],
    ['8-bit with zero points', { k: 64, n: 12, bits: 8, blockSize: 32, zeroPoints: true }],
  ])('%s: same outputs, no MatMulNBits left, packed tensors dropped', async (_, layout) => {
    const bytes = nbitsGraph(layout);
    const expanded = expandNBitsMatMuls(bytes, scanModel(bytes));
    expect(expanded).toMatchObject({ expandedNodes: 1, kept: [] });
    expect(opTypes(expanded.bytes)).toEqual(['MatMul', 'Relu']);
    const inits = scanModel(expanded.bytes).graph.initializers;
    expect(inits.map((i) => [i.name, i.dataType, i.dims])).toEqual([['proj.weight_Q_fp32', 1, [layout.k, layout.n]]]);
    // The fp32 weights travel as one external-data file, [K, N] in the order MatMul reads them.
    expect(expanded.weightsFile).toMatchObject({ path: 'cpu-expanded-weights.bin' });
    expect(expanded.weightsFile!.data.byteLength).toBe(layout.k * layout.n * 4);
    expectClose(await run(expanded.bytes, layout.k, [expanded.weightsFile!]), await run(bytes, layout.k), 1e-5);
  });

  it('reads weights and scales from external-data files, and keeps a packed tensor another node still reads', async () => {
    // 80 columns: the zero points (one byte per column) pass the factory's inline threshold and move out too.
    const layout: Layout = { k: 64, n: 80, bits: 4, blockSize: 32, zeroPoints: true, sharedWeights: true };
    const split = splitExternalData(nbitsGraph(layout), ['w.onnx_data', 'w.onnx_data_1']);
    const external = [...split.data].map(([path, data]) => ({ path, data }));
    const model = scanModel(split.model);
    expect(model.graph.initializers.filter((i) => i.external).length).toBe(3);
    const expanded = expandNBitsMatMuls(split.model, model, external);
    expect(expanded.expandedNodes).toBe(1);
    const names = scanModel(expanded.bytes).graph.initializers.map((i) => i.name);
    expect(names).toEqual(['proj.weight_Q', 'proj.weight_Q_fp32']);
    expectClose(
      await run(expanded.bytes, layout.k, [...external, expanded.weightsFile!]),
      await run(split.model, layout.k, external),
      1e-5,
    );
  });

  it('expands the tiny q4 decoder: logits and present keys within 1e-4 of the MatMulNBits graph', async () => {
    const bytes = makeLlavaModel({ size: 'tiny', dtype: 'q4' }).files.get('onnx/decoder_model_merged_q4.onnx')!;
    const packed = opTypes(bytes).filter((op) => op === 'MatMulNBits').length;
    const expanded = expandNBitsMatMuls(bytes, scanModel(bytes));
    expect(packed).toBeGreaterThan(10);
    expect(expanded).toMatchObject({ expandedNodes: packed, kept: [] });
    expect(opTypes(expanded.bytes)).not.toContain('MatMulNBits');

    const feeds = async (session: ort.InferenceSession) => {
      const rng = new Rng(3, 'prefill');
      const f: Record<string, ort.Tensor> = {};
      const length = 9;
      for (const input of session.inputMetadata) {
        if (!input.isTensor) continue;
        const { name, shape } = input;
        if (name === 'inputs_embeds') {
          const hidden = shape[2] as number;
          f[name] = new ort.Tensor(
            'float32',
            Float32Array.from({ length: length * hidden }, () => rng.uniform() - 0.5),
            [1, length, hidden],
          );
        } else if (name === 'attention_mask')
          f[name] = new ort.Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]);
        else if (name === 'position_ids')
          f[name] = new ort.Tensor(
            'int64',
            BigInt64Array.from({ length }, (_, i) => BigInt(i)),
            [1, length],
          );
        else f[name] = new ort.Tensor('float32', new Float32Array(0), [1, shape[1] as number, 0, shape[3] as number]);
      }
      return f;
    };
    const outputs = async (model: Uint8Array, external: readonly ExternalFile[] = []) => {
      const session = await ort.InferenceSession.create(model, {
        executionProviders: ['wasm'],
        externalData: external.map(({ path, data }) => ({ path, data })),
      });
      const out = await session.run(await feeds(session));
      await session.release();
      return { logits: out.logits!.data as Float32Array, key: out['present.1.key']!.data as Float32Array };
    };
    const [reference, rewritten] = [await outputs(bytes), await outputs(expanded.bytes, [expanded.weightsFile!])];
    expectClose(rewritten.logits, reference.logits, 1e-4);
    expectClose(rewritten.key, reference.key, 1e-4);
  });
});

describe('what expandNBitsMatMuls leaves packed, and why', () => {
  it('over the budget: nothing changes, and the reason gives the size', () => {
    const bytes = nbitsGraph({ k: 64, n: 24, bits: 4, blockSize: 32 });
    const expanded = expandNBitsMatMuls(bytes, scanModel(bytes), [], 64 * 24 * 4 - 1);
    expect(expanded.bytes).toBe(bytes);
    expect(expanded.expandedNodes).toBe(0);
    expect(expanded.kept).toEqual([
      expect.stringMatching(/1 n-bit MatMuls would take 0 MiB as fp32, over the 0 MiB allowed/),
    ]);
    expect(CPU_EXPANSION_BUDGET_BYTES).toBe(2 ** 30);
  });

  it('a node with a bias input stays MatMulNBits', () => {
    const bytes = nbitsGraph({ k: 64, n: 8, bits: 4, blockSize: 32, bias: true });
    const expanded = expandNBitsMatMuls(bytes, scanModel(bytes));
    expect(expanded).toMatchObject({
      bytes,
      expandedNodes: 0,
      kept: ["a bias input: 1 n-bit MatMul ('/proj/MatMulNBits')"],
    });
  });

  it('a q4f16 decoder (fp16 scales) stays packed, its nodes summed up in one reason', () => {
    const bytes = makeQ4f16LlavaModel().get('onnx/decoder_model_merged_q4f16.onnx')!;
    const packed = opTypes(bytes).filter((op) => op === 'MatMulNBits').length;
    expect(packed).toBeGreaterThan(10);
    const expanded = expandNBitsMatMuls(bytes, scanModel(bytes));
    expect(expanded).toMatchObject({ bytes, expandedNodes: 0 });
    expect(expanded.kept).toEqual([
      expect.stringMatching(new RegExp(`^fp16 scales \\(a q4f16 model\\): ${packed} n-bit MatMuls \\('[^']+', …\\)$`)),
    ]);
  });

  it('an If-merged q4 decoder stays packed, named as such', () => {
    const llava = makeLlavaModel({ size: 'tiny', dtype: 'q4' });
    const merged = mergeDecoders(
      buildDecoderGraph(llava.weights, 'q4', 'eager', { withPast: false }),
      llava.files.get('onnx/decoder_model_merged_q4.onnx')!,
    );
    const expanded = expandNBitsMatMuls(merged, scanModel(merged));
    expect(expanded).toMatchObject({ bytes: merged, expandedNodes: 0, kept: [expect.stringMatching(/If-merged/)] });
  });

  it('an fp32 decoder has nothing to expand and nothing to say', () => {
    const bytes = makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).files.get('onnx/decoder_model_merged.onnx')!;
    expect(expandNBitsMatMuls(bytes, scanModel(bytes))).toEqual({ bytes, expandedNodes: 0, addedBytes: 0, kept: [] });
  });
});
