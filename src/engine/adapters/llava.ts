// LLaVA-layout exports (vision_encoder + embed_tokens + decoder_model_merged): the CLIP tower's layer L−2
// q/k give DAMRO's faithful outlier score; towers without CLS get a labelled substitute.
import { OUTLIER_SCORERS, type OutlierScorerName } from '../../core/attention/outliers';
import { LensError } from '../../protocol/errors';
import type { ImageInput, ModelInfo } from '../../protocol/messages';
import { OrtDecoderRunner, type DecoderLayout } from '../decode/ort-runner';
import type { RowSpec } from '../decode/runner';
import { decodeImage } from '../load/image';
import type { EncodedImage, LoadedModel } from '../model';
import { loadProcessor, type Processor } from '../runtime/hf';
import { createSession, tensor, type OrtSession } from '../runtime/sessions';
import { decoderTapReader, tapDecoder } from '../taps/decoder-tap';
import { readVisionScores, tapVisionEncoder } from '../taps/vision-tap';
import { DTYPE_SUFFIX, type AdapterContext, type ModelAdapter, type ModelConfig } from './adapter';
import { parseLlavaConfig, type LlavaConfig } from './llava-config';

async function readJson(ctx: AdapterContext, path: string): Promise<Record<string, unknown> | undefined> {
  const bytes = await ctx.source.readOptional(path, ctx.onProgress);
  return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>) : undefined;
}

async function readOnnx(ctx: AdapterContext, name: string): Promise<{ bytes: Uint8Array; externalData?: { path: string; data: Uint8Array }[] }> {
  const file = `${name}${DTYPE_SUFFIX[ctx.dtype]}.onnx`;
  const bytes = await ctx.source.readOptional(`onnx/${file}`, ctx.onProgress);
  if (!bytes) throw new LensError('model-not-found', `${ctx.source.origin} has no onnx/${file}; this model may not be exported in ${ctx.dtype}. Try another dtype.`);
  const data = await ctx.source.readOptional(`onnx/${file}_data`, ctx.onProgress);
  return data ? { bytes, externalData: [{ path: `${file}_data`, data }] } : { bytes };
}

function outputOf(outputs: Record<string, { data: unknown; dims: readonly number[] }>, name: string): Float32Array {
  const value = outputs[name];
  if (!value || !(value.data instanceof Float32Array)) throw new LensError('unsupported-model', `The vision encoder returned no float32 "${name}"; is this a llava export?`);
  return value.data;
}

interface Sessions {
  readonly vision: OrtSession;
  readonly embed: OrtSession;
  readonly decoder: OrtSession;
}

class LlavaModel implements LoadedModel {
  readonly eosTokenIds: readonly number[];

  constructor(
    readonly info: ModelInfo,
    private readonly config: LlavaConfig,
    private readonly processor: Processor,
    private readonly sessions: Sessions,
    private readonly scorer: OutlierScorerName,
    private readonly visionTap: ReturnType<typeof tapVisionEncoder>['tap'],
    private readonly runnerLayout: DecoderLayout,
    private readonly decoderTap: ReturnType<typeof tapDecoder>['tap'],
  ) {
    this.eosTokenIds = config.eosTokenIds;
  }

  async encodeImage(input: ImageInput): Promise<EncodedImage> {
    const image = await decodeImage(input);
    const { pixel_values: pixels } = (await this.processor.image_processor!(image)) as { pixel_values: { data: Float32Array; dims: number[] } };
    const outputs = await this.sessions.vision.run({ pixel_values: tensor('float32', pixels.data, pixels.dims) });
    try {
      const features = outputOf(outputs, 'image_features');
      const [, imageTokens, hidden] = outputs.image_features.dims as [number, number, number];
      const scores = readVisionScores(this.visionTap, outputs)[this.scorer];
      if (!scores || scores.length !== imageTokens) {
        throw new LensError('attention-unavailable', `The vision tap gave ${scores?.length ?? 0} outlier scores for ${imageTokens} image tokens; this export's vision layout is not supported.`);
      }
      return { features: features.slice(), imageTokens, hidden, scores };
    } finally {
      for (const value of Object.values(outputs)) value.dispose();
    }
  }

  async buildRows(prompt: string, image: EncodedImage, outliers?: Int32Array): Promise<{ full: RowSpec; outlier?: RowSpec }> {
    const text = this.processor.apply_chat_template([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: prompt }] }], { add_generation_prompt: true, tokenize: false }) as string;
    const ids = this.processor.tokenizer!.encode(text);
    const at = ids.indexOf(this.config.imageTokenId);
    if (at < 0 || ids.indexOf(this.config.imageTokenId, at + 1) >= 0) {
      throw new LensError('unsupported-model', `The chat template must place exactly one image token in the prompt; it placed ${ids.filter((id) => id === this.config.imageTokenId).length}.`);
    }
    const hidden = image.hidden;
    const embedded = await this.sessions.embed.run({ input_ids: tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) });
    const textEmbeds = (await embedded.inputs_embeds.getData()) as Float32Array;
    embedded.inputs_embeds.dispose();
    const before = textEmbeds.subarray(0, at * hidden);
    const after = textEmbeds.subarray((at + 1) * hidden);
    const row = (rows: number, fill: (out: Float32Array, offset: number) => void): RowSpec => {
      const length = ids.length - 1 + rows;
      const embeds = new Float32Array(length * hidden);
      embeds.set(before, 0);
      fill(embeds, at * hidden);
      embeds.set(after, (at + rows) * hidden);
      return { embeds, length, imageSpan: { start: at, length: rows } };
    };
    const full = row(image.imageTokens, (out, offset) => out.set(image.features, offset));
    if (!outliers) return { full };
    // The outlier branch sees only the k outlier tokens, in descending score order (damro-spec §1.2): dropped, not masked.
    const outlier = row(outliers.length, (out, offset) => outliers.forEach((token, i) => out.set(image.features.subarray(token * hidden, (token + 1) * hidden), offset + i * hidden)));
    return { full, outlier: { embeds: outlier.embeds, length: outlier.length } };
  }

  createRunner(): OrtDecoderRunner {
    return new OrtDecoderRunner({ decoder: this.sessions.decoder, embed: this.sessions.embed, layout: this.runnerLayout, tap: decoderTapReader(this.decoderTap) });
  }

  detokenize(ids: readonly number[]): string {
    return this.processor.tokenizer!.decode([...ids], { skip_special_tokens: true });
  }

  async dispose(): Promise<void> {
    await Promise.all(Object.values(this.sessions).map((session: OrtSession) => session.release()));
  }
}

export const llavaAdapter: ModelAdapter = {
  family: 'llava',
  async load(ctx: AdapterContext, rawConfig: ModelConfig): Promise<LoadedModel> {
    const config = parseLlavaConfig(rawConfig, await readJson(ctx, 'generation_config.json'));
    // The paper's score needs CLS; a tower without it gets the chosen, labelled substitute.
    const scorer: OutlierScorerName = config.vision.hasCls ? 'clip-single-head' : ctx.noClsScorer;
    const processor = await loadProcessor(ctx.modelId).catch((error: unknown) => {
      throw new LensError('model-not-found', `Could not load the processor and tokenizer of "${ctx.modelId}" (${error instanceof Error ? error.message : String(error)}). Check the model id and your connection.`);
    });

    const vision = await readOnnx(ctx, 'vision_encoder');
    const visionTapped = tapVisionEncoder(vision.bytes, { layer: config.featureLayer, scorers: [scorer] });
    const embed = await readOnnx(ctx, 'embed_tokens');
    const decoder = await readOnnx(ctx, 'decoder_model_merged');
    const decoderTapped = tapDecoder(decoder.bytes);
    if (decoderTapped.tap.layers !== config.text.layers) {
      throw new LensError('attention-unavailable', `Found attention in ${decoderTapped.tap.layers} decoder layers but config.json says ${config.text.layers}; the export's layout is not understood.`);
    }
    const present = Array.from({ length: config.text.layers }, (_, l) => [`present.${l}.key`, `present.${l}.value`]).flat();
    const label = (name: string) => `${ctx.modelId} ${name} (${ctx.dtype})`;
    const sessions: Sessions = {
      vision: await createSession(visionTapped.bytes, label('vision encoder'), { backend: ctx.backend, externalData: vision.externalData }),
      embed: await createSession(embed.bytes, label('token embeddings'), { backend: ctx.backend, externalData: embed.externalData }),
      decoder: await createSession(decoderTapped.bytes, label('decoder'), { backend: ctx.backend, gpuOutputs: present, externalData: decoder.externalData }),
    };

    const imageConfig = processor.image_processor!.config as { size?: { shortest_edge?: number }; crop_size?: { height: number; width: number } };
    const side = config.vision.imageSize / config.vision.patchSize;
    const info: ModelInfo = {
      id: ctx.modelId,
      dtype: ctx.dtype,
      backend: ctx.backend,
      synthetic: 'damro_lens_synthetic' in rawConfig,
      family: 'llava',
      processor: {
        shortestEdge: imageConfig.size?.shortest_edge ?? config.vision.imageSize,
        crop: imageConfig.crop_size ?? { height: config.vision.imageSize, width: config.vision.imageSize },
      },
      tokenGrid: { rows: side, cols: side },
      scorer: { name: scorer, faithful: OUTLIER_SCORERS[scorer].faithful, label: OUTLIER_SCORERS[scorer].label },
      decoder: { layers: config.text.layers, heads: config.text.heads, vocabSize: config.text.vocabSize },
    };
    const layout: DecoderLayout = { layers: config.text.layers, kvHeads: config.text.kvHeads, headDim: config.text.headDim, hidden: config.text.hidden, vocabSize: config.text.vocabSize, padTokenId: config.padTokenId };
    return new LlavaModel(info, config, processor, sessions, scorer, visionTapped.tap, layout, decoderTapped.tap);
  },
};
