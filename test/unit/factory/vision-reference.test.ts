// ORT (onnxruntime-web wasm in Node) against the float64 reference forward pass of the vision encoder, and
// the outlier structure DAMRO acts on.
import { describe, expect, it } from 'vitest';
import { SIZES } from '../../../src/factory/llava/dims';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import { VISION_TENSORS } from '../../../src/factory/llava/tensor-names';
import { withGraphOutputs } from '../../../src/factory/onnx/add-outputs';
import { effectiveWeights } from '../../../src/factory/quant/dequantized-weights';
import { referenceVision } from '../../../src/factory/reference/vision-forward';
import { f32, maxAbsDiff, run, testPixels } from './helpers';

const tiny = SIZES.tiny.vision;
const TAPS = [0, 1].flatMap((l) => [VISION_TENSORS.softmax(l), VISION_TENSORS.qProj(l), VISION_TENSORS.kProj(l)]);

/** DAMRO's LLaVA score (src/core/damro-spec.md §1.2): one head over the full width, CLS row, softmax over all keys. */
function damroClsRow(q: Float64Array, k: Float64Array, tokens: number, hidden: number): number[] {
  const scores = Array.from({ length: tokens }, (_, j) => {
    let dot = 0;
    for (let e = 0; e < hidden; e++) dot += q[e]! * k[j * hidden + e]!;
    return dot / Math.sqrt(hidden);
  });
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}

describe.each(['fp32', 'q4'] as const)('vision_encoder %s', (dtype) => {
  const model = makeLlavaModel({ size: 'tiny', dtype });
  const weights = effectiveWeights(model.weights, dtype);
  const suffix = dtype === 'q4' ? '_q4' : '';
  const graph = withGraphOutputs(model.files.get(`onnx/vision_encoder${suffix}.onnx`)!, TAPS);

  it('matches the reference: image features, every layer’s attention per head, q_proj/k_proj', async () => {
    const pixels = new Float32Array([...testPixels(tiny.imageSize, 0), ...testPixels(tiny.imageSize, 1.3)]);
    const out = await run(graph, { pixel_values: f32(pixels, [2, 3, tiny.imageSize, tiny.imageSize]) });
    const per = pixels.length / 2;
    for (let b = 0; b < 2; b++) {
      const ref = referenceVision(weights, pixels.subarray(b * per, (b + 1) * per));
      const slice = (name: string, size: number) => out[name]!.subarray(b * size, (b + 1) * size);
      expect(maxAbsDiff(slice(VISION_TENSORS.output, ref.imageFeatures.length), ref.imageFeatures)).toBeLessThan(1e-4);
      ref.layers.forEach((layer, l) => {
        expect(maxAbsDiff(slice(VISION_TENSORS.softmax(l), layer.attention.length), layer.attention)).toBeLessThan(
          1e-4,
        );
        expect(maxAbsDiff(slice(VISION_TENSORS.qProj(l), layer.qProj.length), layer.qProj)).toBeLessThan(1e-4);
        expect(maxAbsDiff(slice(VISION_TENSORS.kProj(l), layer.kProj.length), layer.kProj)).toBeLessThan(1e-4);
      });
    }
  });
});

describe('vision outliers (what DAMRO acts on)', () => {
  const model = makeLlavaModel({ size: 'tiny', dtype: 'fp32' });
  const w = model.weights;

  it.each([0, 1.3, 2.9])('the top-2 patches take most of the layer L-2 CLS attention (image phase %s)', (phase) => {
    const ref = referenceVision(w, testPixels(tiny.imageSize, phase));
    const tap = ref.layers[tiny.layers - 2]!;
    const row = damroClsRow(tap.qProj, tap.kProj, ref.tokens, tiny.hidden).slice(1);
    const ranked = row.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]);
    const top2 = ranked[0]![0] + ranked[1]![0];
    expect(top2).toBeGreaterThan(0.5);
    expect(top2).toBeLessThan(0.99);
    expect(
      ranked
        .slice(0, 2)
        .map(([, i]) => i)
        .sort(),
    ).toEqual([...w.outlierPatches].sort());
    // High norm: the outliers' hidden states at layer L-2 are several times the median patch norm.
    const norms = Array.from({ length: ref.tokens - 1 }, (_, p) =>
      Math.hypot(...tap.output.subarray((p + 1) * tiny.hidden, (p + 2) * tiny.hidden)),
    );
    const median = [...norms].sort((a, b) => a - b)[Math.floor(norms.length / 2)]!;
    for (const p of w.outlierPatches) expect(norms[p]! / median).toBeGreaterThan(3);
  });
});
