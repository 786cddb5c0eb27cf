// Builds what each compared method's branches see (src/core/damro-spec.md §8) as decoder rows for the shared loop:
// DAMRO's outlier tokens, VCD's noised image (a second vision pass), M3ID's prompt without the image, AvisC's
// blind tokens (from the full prompt's decoder attention) and the ablation's image without its outliers.
import { tokensWithout } from '../../core/methods/ablation';
import { blindTokens } from '../../core/methods/avisc';
import { METHODS, type MethodChoice, type MethodParams } from '../../core/methods/registry';
import { addDiffusionNoise } from '../../core/methods/vcd';
import { selectOutliers } from '../../core/attention/outliers';
import { spreadOverImage } from '../../core/evidence/measures';
import { LensError } from '../../protocol/errors';
import type { MethodLane } from '../decode/loop';
import type { RowSpec } from '../decode/runner';
import type { EncodedImage, EncodeOptions, LoadedModel } from '../model';
import { gatherTokens, zeroAllBut } from './image-tokens';

export interface LaneSources {
  readonly model: LoadedModel;
  readonly prompt: string;
  readonly image: EncodedImage;
  /** The prompt with every image token, recording its attention over them: every method's main row but one. */
  readonly fullRow: RowSpec;
  /** A vision pass over the same image with options (VCD's noised pixels). */
  readonly encode: (options: EncodeOptions) => Promise<EncodedImage>;
}

function outliers(image: EncodedImage, k: number, setting: string): Int32Array {
  return Int32Array.from(selectOutliers(image.scores, k, setting));
}

/** The last prompt position's attention over the image, [layers, heads, imageTokens], from one prefill. */
async function promptAttention(sources: LaneSources): Promise<Float32Array> {
  const runner = sources.model.createRunner();
  try {
    const { attention } = await runner.prefill([sources.fullRow]);
    const frame = attention[0];
    if (!frame) throw new LensError('attention-unavailable', 'AvisC needs the decoder attention of the full prompt.');
    return frame;
  } finally {
    await runner.dispose();
  }
}

const builders: {
  readonly [M in MethodChoice['method']]: (s: LaneSources, p: MethodParams[M]) => Promise<MethodLane>;
} = {
  async damro(s, params) {
    const tokens = outliers(s.image, params.k, "DAMRO's k");
    const contrastRow = await s.model.buildRow(s.prompt, s.image, {
      embeds: gatherTokens(s.image, tokens),
      count: tokens.length,
      record: false,
      tokens,
    });
    return { choice: { method: 'damro', params }, mainRow: s.fullRow, contrastRow };
  },
  async vcd(s, params) {
    const noised = await s.encode({
      perturbPixels: (pixels) => addDiffusionNoise(pixels, params.noiseStep, params.noiseSeed),
    });
    const contrastRow = await s.model.buildRow(s.prompt, s.image, {
      embeds: noised.features,
      count: noised.imageTokens,
      record: false,
    });
    return { choice: { method: 'vcd', params }, mainRow: s.fullRow, contrastRow };
  },
  async m3id(s, params) {
    const contrastRow = await s.model.buildRow(s.prompt, s.image, {
      embeds: new Float32Array(0),
      count: 0,
      record: false,
    });
    return { choice: { method: 'm3id', params }, mainRow: s.fullRow, contrastRow };
  },
  async avisc(s, params) {
    const { layers, heads } = s.model.info.decoder;
    const { blind } = blindTokens(await promptAttention(s), { layers, heads, tokens: s.image.imageTokens }, params);
    const contrastRow = await s.model.buildRow(s.prompt, s.image, {
      embeds: zeroAllBut(s.image, blind),
      count: s.image.imageTokens,
      record: false,
    });
    return { choice: { method: 'avisc', params }, mainRow: s.fullRow, contrastRow };
  },
  async ablation(s, params) {
    const kept = tokensWithout(s.image.imageTokens, outliers(s.image, params.k, "The ablation's k"));
    // Its main row records its attention over the tokens it kept, for the evidence (src/core/damro-spec.md §8.6).
    const mainRow = await s.model.buildRow(s.prompt, s.image, {
      embeds: gatherTokens(s.image, kept),
      count: kept.length,
      record: true,
      tokens: kept,
    });
    return { choice: { method: 'ablation', params }, mainRow, mainTokens: kept };
  },
};

/** A lane's main-row attention frame over every image token ([layers, heads, imageTokens]). */
export function laneImageAttention(lane: MethodLane, frame: Float32Array, imageTokens: number): Float32Array {
  return lane.mainTokens ? spreadOverImage(frame, lane.mainTokens, imageTokens) : frame;
}

/** Checks every choice's parameters, then builds its rows; the full row is shared, not copied. */
export async function buildMethodLanes(sources: LaneSources, choices: readonly MethodChoice[]): Promise<MethodLane[]> {
  for (const choice of choices) METHODS[choice.method].validate(choice.params as never);
  const lanes: MethodLane[] = [];
  for (const choice of choices)
    lanes.push(
      await (builders[choice.method] as (s: LaneSources, p: unknown) => Promise<MethodLane>)(sources, choice.params),
    );
  return lanes;
}
