// What the CPU backend did with a decoder's quantized weights, in words for the model panel: expanding them makes
// every step faster and costs memory, and a person choosing between models or backends should see both.
import type { ModelInfo } from '../../protocol/messages';

const mebibytes = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;

export function cpuWeightsNote(weights: NonNullable<ModelInfo['cpuWeights']>): string {
  if (weights.expandedMatMuls > 0)
    return (
      `On the CPU, the decoder’s ${weights.expandedMatMuls} quantized matrix products run on weights expanded to fp32 ` +
      `once at load (+${mebibytes(weights.addedBytes)} of memory), so steps do not re-expand them` +
      (weights.kept.length ? `; some stay quantized: ${weights.kept.join('; ')}.` : '.')
    );
  return `On the CPU, the decoder’s quantized weights stay packed, so every step expands them again (slower): ${weights.kept.join('; ')}.`;
}
