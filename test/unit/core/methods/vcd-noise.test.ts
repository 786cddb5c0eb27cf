// VCD's forward-diffusion noise (Leng et al., CVPR 2024, §3; schedule as in the released vcd_utils).
import { describe, expect, it } from 'vitest';
import { addDiffusionNoise, diffusionAlphaBar } from '../../../../src/core/methods/vcd';
import { createGaussian, createRng } from '../../../../src/core/decoding/rng';

describe('the diffusion schedule', () => {
  it('ᾱ_0 = 1 − β_0 with β_0 = sigmoid(−6)·(5e-3 − 1e-5) + 1e-5', () => {
    // sigmoid(−6) = 1/(1 + e^6) = 1/404.428793 = 0.00247262; × 0.00499 = 1.233839e-5; + 1e-5 = 2.233839e-5.
    expect(diffusionAlphaBar(0)).toBeCloseTo(1 - 2.233839e-5, 10);
  });

  it('the betas are symmetric about the middle, so over all 1000 steps Σβ = 1000·(0.00499/2 + 1e-5) = 2.505', () => {
    // ln ᾱ_999 = Σ ln(1 − β_i) = −Σβ − Σβ²/2 − …; with every β ≤ 5e-3 the higher terms are below 0.013 in total.
    const logAlphaBar = Math.log(diffusionAlphaBar(999));
    expect(logAlphaBar).toBeLessThan(-2.505);
    expect(logAlphaBar).toBeGreaterThan(-2.505 - 0.013);
  });

  it('at the paper’s step 500 the image keeps √ᾱ ≈ 0.863 of its signal', () => {
    expect(Math.sqrt(diffusionAlphaBar(500))).toBeCloseTo(0.863017, 5);
    expect(diffusionAlphaBar(500)).toBeLessThan(diffusionAlphaBar(499));
  });
});

describe('addDiffusionNoise', () => {
  const pixels = Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => Math.sin(i) * 2);

  it('is seeded: the same seed replays the same noise, another seed does not', () => {
    expect(addDiffusionNoise(pixels, 500, 42)).toEqual(addDiffusionNoise(pixels, 500, 42));
    expect(addDiffusionNoise(pixels, 500, 43)).not.toEqual(addDiffusionNoise(pixels, 500, 42));
  });

  it('is √ᾱ·x plus noise of standard deviation √(1 − ᾱ), and leaves its input alone', () => {
    const before = pixels.slice();
    const noised = addDiffusionNoise(pixels, 500, 42);
    const noiseOnly = addDiffusionNoise(new Float32Array(pixels.length), 500, 42);
    expect(pixels).toEqual(before);
    const signal = Math.sqrt(diffusionAlphaBar(500));
    noised.forEach((y, i) => expect(y - noiseOnly[i]).toBeCloseTo(signal * pixels[i], 5));
    const mean = noiseOnly.reduce((a, b) => a + b, 0) / noiseOnly.length;
    const std = Math.sqrt(noiseOnly.reduce((a, b) => a + (b - mean) ** 2, 0) / noiseOnly.length);
    // 12,288 draws: the sample std is within ~2% of σ = 0.505175 with overwhelming probability.
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(std).toBeGreaterThan(0.505175 * 0.97);
    expect(std).toBeLessThan(0.505175 * 1.03);
  });
});

describe('createGaussian', () => {
  it('draws standard normals: mean 0, variance 1, 95% within ±1.96', () => {
    const draw = createGaussian(createRng(1));
    const values = Array.from({ length: 40000 }, draw);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(variance).toBeGreaterThan(0.97);
    expect(variance).toBeLessThan(1.03);
    expect(values.filter((v) => Math.abs(v) < 1.96).length / values.length).toBeCloseTo(0.95, 2);
  });
});
