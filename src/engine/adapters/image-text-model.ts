// The part every transformers.js image-text-to-text export shares (vision_encoder + embed_tokens +
// decoder_model_merged, src/engine/browser-stack.md §1.1): loading and tapping the three graphs, checking their inputs
// and outputs, the vision pass with DAMRO's outlier score, the decoder rows and the tapped batched runner. A family
// adapter declares only what differs (FamilyPlan): its vision inputs, how patch scores map to the LLM's image tokens,
// and where the image tokens sit in its prompt.
import { OUTLIER_SCORERS, type OutlierScorerName } from '../../core/attention/outliers';
import { LensError } from '../../protocol/errors';
import type { Backend, Dtype, Grid, ImageInput, ModelInfo } from '../../protocol/messages';
import { CacheAssembler } from '../decode/cache-assembler';
import { LengthGroupedRunner } from '../decode/length-groups';
import { cacheNames, kvCacheType, OrtDecoderRunner, stateIndices, type DecoderLayout } from '../decode/ort-runner';
import type { DecoderTapReader } from '../taps/edit';
import type { DecoderRunner, RowPositions, RowSpec } from '../decode/runner';
import { decodeImage } from '../load/image';
import { gatherTokens } from '../lab/image-tokens';
import type { EncodedImage, EncodeOptions, ImageRowContent, LoadedModel, PromptText } from '../model';
import { loadProcessor, type Processor, type RawImage } from '../runtime/hf';
import { createSession, createSessions, tensor, type OrtSession, type OrtTensor } from '../runtime/sessions';
import { expandNBitsMatMuls } from '../onnx/expand-nbits';
import { externalDataFiles } from '../onnx/external-data';
import type { ExternalFile } from '../onnx/initializer-data';
import { headOnLastPosition } from '../onnx/last-position-head';
import { inModelFile } from '../onnx/model-file-error';
import { scanModel } from '../onnx/scan';
import { hasFusedDecoderAttention } from '../onnx/sites/fused-decoder';
import { decoderTapReader, tapDecoder } from '../taps/decoder-tap';
import { tapFusedDecoder } from '../taps/fused-decoder-tap';
import { readVisionScores, tapVisionEncoder, type VisionTap } from '../taps/vision-tap';
import { DTYPE_SUFFIX, type AdapterContext, type ModelAdapter, type ModelConfig } from './adapter';
import { checkGraphShapes } from './graph-shapes';
import { parseJsonObject, type Json, type TextConfig } from './config-fields';

/** Where a prompt's image placeholders are: tokens [start, start + count) are replaced by the image features. */
export interface PromptIds {
  readonly ids: readonly number[];
  readonly start: number;
  readonly count: number;
}

/**
 * A family whose processor sizes the token grid to each image and whose decoder places image tokens by their grid
 * position (Qwen2-VL: image_grid_thw, M-RoPE).
 */
export interface PerImageGrid {
  /** This image's token grid, from the vision encoder's inputs. */
  grid(feeds: Readonly<Record<string, OrtTensor>>): Grid;
  /**
   * The M-RoPE positions of a row whose image span, at `start` of the prompt `ids` where `count` placeholders were,
   * holds the given grid tokens (in row order).
   */
  positions(ids: PromptIds, grid: Grid, tokens: ArrayLike<number>): RowPositions;
}

export interface FamilyPlan {
  readonly text: TextConfig;
  /** Encoder layer whose attention (or output) the outlier score reads. */
  readonly scoreLayer: number;
  readonly hasCls: boolean;
  /** The grid of LLM image tokens (with perImage: the grid of a square image, which sets DAMRO's default k). */
  readonly tokenGrid: Grid;
  readonly perImage?: PerImageGrid;
  readonly processorGeometry: ModelInfo['processor'];
  /** Graph inputs of vision_encoder, as transformers.js feeds them. */
  readonly visionInputs: readonly string[];
  /**
   * The last two dimensions of pixel_values where they are not the processor's crop height and width (a NaFlex tower
   * takes [patches, 3·patch²]).
   */
  readonly pixelValuesTail?: { readonly height: number; readonly width: number };
  /**
   * Decoder layers that carry a convolution state (past_conv.{i}) instead of keys and values (a hybrid decoder): they
   * have no attention to tap, so the attention frames span the other layers only.
   */
  readonly convLayers?: readonly number[];
  /** The vision encoder's inputs for one image. */
  preprocess(image: RawImage): Promise<Record<string, OrtTensor>>;
  /** One outlier score per LLM image token from the tap's per-patch scores (and the image's grid, where it has one). */
  tokenScores(patchScores: Float32Array, grid?: Grid): Float32Array;
  /** The prompt text for the person's prompt, for families without a chat template; absent: the chat template. */
  promptText?(prompt: string): string;
  /** The prompt text (chat-templated, or promptText's) as token ids, with its image placeholders located. */
  promptIds(text: string, imageTokens: number): PromptIds;
}

export interface FamilySpec {
  readonly family: string;
  plan(config: ModelConfig, generation: Json | undefined, processor: Processor): FamilyPlan;
}

async function readJson(ctx: AdapterContext, path: string): Promise<Json | undefined> {
  const bytes = await ctx.source.readOptional(path, ctx.onProgress);
  return bytes && parseJsonObject(new TextDecoder().decode(bytes), `${ctx.source.origin}${path}`);
}

/** Files transformers.js builds the processor and tokenizer from; without them it fails on an undefined field. */
const PROCESSOR_FILES = ['tokenizer_config.json', 'preprocessor_config.json'] as const;

async function requireProcessorFiles(ctx: AdapterContext): Promise<void> {
  for (const file of PROCESSOR_FILES) {
    if (!(await ctx.source.readOptional(file, ctx.onProgress))) {
      throw new LensError(
        'bad-model-config',
        `${ctx.source.origin}${file} does not exist; the processor and tokenizer cannot be built without it. The model folder is incomplete: take it whole from its model repository.`,
        { file },
      );
    }
  }
}

/**
 * Hub repos do not always export every session in every dtype (an embedding table is often left in fp16 or fp32,
 * since 4-bit quantisation does not apply to it); a missing file falls back to the nearest dtype that exists.
 */
const DTYPE_FALLBACK: Record<Dtype, readonly Dtype[]> = {
  fp32: [],
  fp16: ['fp32'],
  q4: ['fp32'],
  q4f16: ['fp16', 'q4', 'fp32'],
};

interface OnnxFile {
  /** Where the file was read from, for error messages. */
  readonly file: string;
  readonly bytes: Uint8Array;
  /** The file's dtype: the one asked for, or the fallback that exists. */
  readonly dtype: Dtype;
  readonly externalData?: { path: string; data: Uint8Array }[];
}

async function readOnnx(ctx: AdapterContext, name: string): Promise<OnnxFile> {
  for (const dtype of [ctx.dtype, ...DTYPE_FALLBACK[ctx.dtype]]) {
    const file = `${name}${DTYPE_SUFFIX[dtype]}.onnx`;
    const bytes = await ctx.source.readOptional(`onnx/${file}`, ctx.onProgress);
    if (!bytes) continue;
    const where = `${ctx.source.origin}onnx/${file}`;
    // The weight files are the ones the graph names (one or several, any name), each read once.
    const locations = inModelFile(where, () => externalDataFiles(bytes, scanModel(bytes), `onnx/${file}`));
    if (locations.length === 0) return { file: where, bytes, dtype };
    const externalData = [];
    for (const path of locations)
      externalData.push({ path, data: await ctx.source.read(`onnx/${path}`, ctx.onProgress) });
    return { file: where, bytes, dtype, externalData };
  }
  const tried = [ctx.dtype, ...DTYPE_FALLBACK[ctx.dtype]].map((d) => `onnx/${name}${DTYPE_SUFFIX[d]}.onnx`).join(', ');
  throw new LensError(
    'model-not-found',
    `${ctx.source.origin} has none of ${tried}; this model may not be exported in ${ctx.dtype}. Try another dtype.`,
  );
}

/** Refuses a session whose graph lacks a name the engine feeds or reads, saying which and what is supported. */
export function requireNames(
  session: Pick<OrtSession, 'inputNames' | 'outputNames'>,
  what: string,
  inputs: readonly string[],
  outputs: readonly string[],
  families: readonly string[],
): void {
  const missing = [
    ...inputs.filter((n) => !session.inputNames.includes(n)).map((n) => `input '${n}'`),
    ...outputs.filter((n) => !session.outputNames.includes(n)).map((n) => `output '${n}'`),
  ];
  if (missing.length === 0) return;
  throw new LensError(
    'unsupported-model',
    `The ${what} graph has no ${missing.join(', ')} (it has inputs ${session.inputNames.join(', ') || 'none'}; outputs ${session.outputNames.join(', ') || 'none'}). ` +
      `DAMRO Lens supports transformers.js image-text-to-text exports of the ${families.join(', ')} families.`,
  );
}

interface Sessions {
  readonly vision: OrtSession;
  readonly embed: OrtSession;
  readonly decoder: OrtSession;
  /** Assembles the batched cache from prompts prefilled one at a time. */
  readonly cacheAssembly: CacheAssembler;
}

function float32Output(
  outputs: Readonly<Record<string, OrtTensor>>,
  name: string,
): { data: Float32Array; dims: readonly number[] } {
  const value = outputs[name];
  if (!value || !(value.data instanceof Float32Array))
    throw new LensError(
      'unsupported-model',
      `The vision encoder returned no float32 "${name}" (got ${value ? value.type : 'nothing'}); DAMRO Lens reads ` +
        `vision encoders whose "${name}" output is float32, as transformers.js exports give it. Try another dtype.`,
    );
  return { data: value.data, dims: value.dims };
}

class ImageTextModel implements LoadedModel {
  readonly eosTokenIds: readonly number[];
  private lastPrompt: { key: string; embedded: Promise<PromptIds & { textEmbeds: Float32Array }> } | undefined;

  constructor(
    readonly info: ModelInfo,
    private readonly plan: FamilyPlan,
    private readonly processor: Processor,
    private readonly sessions: Sessions,
    private readonly scorer: OutlierScorerName,
    private readonly visionTap: VisionTap,
    private readonly runner: () => DecoderRunner,
  ) {
    this.eosTokenIds = plan.text.eosTokenIds;
  }

  async encodeImage(input: ImageInput, options: EncodeOptions = {}): Promise<EncodedImage> {
    const image = await decodeImage(input);
    let feeds: Record<string, OrtTensor>;
    try {
      feeds = await this.plan.preprocess(image);
      if (options.perturbPixels) {
        const pixels = feeds.pixel_values!;
        feeds = {
          ...feeds,
          pixel_values: tensor('float32', options.perturbPixels(pixels.data as Float32Array), pixels.dims),
        };
      }
    } catch (error) {
      // The processor's resize and normalisation run in transformers.js's image code, not in ONNX Runtime.
      throw new LensError(
        'bad-image',
        `The image processor could not prepare this ${image.width}×${image.height} image (${error instanceof Error ? error.message : String(error)}). Try another image, or save it as PNG or JPEG.`,
      );
    }
    const grid = this.plan.perImage?.grid(feeds);
    const outputs = await this.sessions.vision.run(feeds);
    try {
      const features = float32Output(outputs, 'image_features');
      const hidden = features.dims[features.dims.length - 1]!;
      const imageTokens = features.data.length / hidden;
      const patchScores = readVisionScores(this.visionTap, outputs)[this.scorer];
      const scores = patchScores && this.plan.tokenScores(patchScores, grid);
      if (!scores || scores.length !== imageTokens) {
        throw new LensError(
          'attention-unavailable',
          `The vision tap gave ${scores?.length ?? 0} outlier scores for ${imageTokens} image tokens; this export's vision layout is not supported.`,
        );
      }
      if (grid && grid.rows * grid.cols !== imageTokens) {
        throw new LensError(
          'unsupported-model',
          `The vision encoder gave ${imageTokens} image tokens for a ${grid.rows} × ${grid.cols} token grid; this export's vision layout is not supported.`,
        );
      }
      return { features: features.data.slice(), imageTokens, hidden, scores, ...(grid && { grid }) };
    } finally {
      for (const value of Object.values(outputs)) value.dispose();
    }
  }

  async buildRows(
    prompt: string,
    image: EncodedImage,
    outliers?: Int32Array,
  ): Promise<{ full: RowSpec; outlier?: RowSpec; text: PromptText }> {
    const full = await this.buildRow(prompt, image, { embeds: image.features, count: image.imageTokens, record: true });
    const text = await this.promptText(prompt, image.imageTokens);
    if (!outliers) return { full, text };
    // The outlier branch sees only the k outlier tokens, in descending score order (src/core/damro-spec.md §1.2):
    // dropped, not masked.
    const outlier = await this.buildRow(prompt, image, {
      embeds: gatherTokens(image, outliers),
      count: outliers.length,
      record: false,
      tokens: outliers,
    });
    return { full, outlier, text };
  }

  private async promptText(prompt: string, imageTokens: number): Promise<PromptText> {
    const { ids, start, count } = await this.embedPrompt(prompt, imageTokens);
    const spell = (id: number) => this.processor.tokenizer!.decode([id], { skip_special_tokens: false });
    return { tokens: [...ids.slice(0, start), ...ids.slice(start + count)].map(spell), imageAt: start };
  }

  async buildRow(prompt: string, image: EncodedImage, content: ImageRowContent): Promise<RowSpec> {
    const { ids, start, count, textEmbeds } = await this.embedPrompt(prompt, image.imageTokens);
    const hidden = image.hidden;
    const length = ids.length - count + content.count;
    const embeds = new Float32Array(length * hidden);
    embeds.set(textEmbeds.subarray(0, start * hidden), 0);
    embeds.set(content.embeds.subarray(0, content.count * hidden), start * hidden);
    embeds.set(textEmbeds.subarray((start + count) * hidden), (start + content.count) * hidden);
    const positions = this.rowPositions({ ids, start, count }, image, content);
    const row = { embeds, length, ...(positions && { positions }) };
    return content.record ? { ...row, imageSpan: { start, length: content.count } } : row;
  }

  /** M-RoPE positions where the family has them: every kept token at its own grid position. */
  private rowPositions(ids: PromptIds, image: EncodedImage, content: ImageRowContent): RowPositions | undefined {
    const { perImage } = this.plan;
    if (!perImage) return undefined;
    const grid = image.grid ?? this.info.tokenGrid;
    const tokens = content.tokens ?? (content.count === 0 ? [] : Array.from({ length: content.count }, (_, i) => i));
    if (
      tokens.length !== content.count ||
      (!content.tokens && content.count !== 0 && content.count !== image.imageTokens)
    )
      throw new LensError(
        'internal',
        `A decoder row holds ${content.count} image embeddings but names ${tokens.length} of the ${image.imageTokens} grid tokens; please report this.`,
      );
    return perImage.positions(ids, grid, tokens);
  }

  /** The templated prompt's token embeddings; the last prompt's are kept, as every row of a run shares them. */
  private embedPrompt(prompt: string, imageTokens: number): Promise<PromptIds & { textEmbeds: Float32Array }> {
    const key = `${imageTokens}\n${prompt}`;
    if (this.lastPrompt?.key === key) return this.lastPrompt.embedded;
    const embedded = (async () => {
      const text = this.plan.promptText
        ? this.plan.promptText(prompt)
        : (this.processor.apply_chat_template(
            [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: prompt }] }],
            { add_generation_prompt: true, tokenize: false },
          ) as string);
      const ids = this.plan.promptIds(text, imageTokens);
      const output = await this.sessions.embed.run({
        input_ids: tensor('int64', BigInt64Array.from(ids.ids, BigInt), [1, ids.ids.length]),
      });
      const textEmbeds = (await output.inputs_embeds.getData()) as Float32Array;
      output.inputs_embeds.dispose();
      return { ...ids, textEmbeds };
    })();
    this.lastPrompt = { key, embedded };
    embedded.catch(() => (this.lastPrompt = undefined));
    return embedded;
  }

  createRunner(): DecoderRunner {
    return this.runner();
  }

  detokenize(ids: readonly number[]): string {
    return this.processor.tokenizer!.decode([...ids], { skip_special_tokens: true });
  }

  async dispose(): Promise<void> {
    await Promise.all(Object.values(this.sessions).map((session: Pick<OrtSession, 'release'>) => session.release()));
  }
}

// The two functions below make the closures a loaded model keeps. They live outside `load` on purpose: closures made
// inside it would share its scope, and with it every model file read there, for as long as the model is loaded.

function cacheAssemblySessions(backend: Backend, label: string) {
  return (bytes: Uint8Array, outputs: readonly string[]) =>
    createSession(bytes, label, { backend, gpuOutputs: outputs });
}

function decoderRunners(sessions: Sessions, layout: DecoderLayout, tap: DecoderTapReader): () => DecoderRunner {
  const batched = () =>
    new OrtDecoderRunner({
      decoder: sessions.decoder,
      embed: sessions.embed,
      layout,
      tap,
      assembler: sessions.cacheAssembly,
    });
  // PaliGemma's exports have no attention mask: rows of different lengths cannot share a call.
  const masked = sessions.decoder.inputNames.includes('attention_mask');
  return masked ? batched : () => new LengthGroupedRunner(batched);
}

/**
 * The decoder session's bytes and external data for the backend: on the CPU, with its n-bit weights expanded once here
 * rather than by ONNX Runtime on every call. The expanded buffers live only as long as this call's result, so that once
 * ORT holds them nothing in the adapter keeps a second copy.
 */
function decoderForBackend(
  backend: Backend,
  decoder: OnnxFile,
  tapped: Uint8Array,
): { bytes: Uint8Array; externalData?: ExternalFile[]; summary?: ModelInfo['cpuWeights'] } {
  if (backend !== 'wasm') return { bytes: tapped, externalData: decoder.externalData };
  const expansion = inModelFile(decoder.file, () =>
    expandNBitsMatMuls(tapped, scanModel(tapped), decoder.externalData),
  );
  const { weightsFile, expandedNodes, addedBytes, kept } = expansion;
  return {
    bytes: expansion.bytes,
    externalData: [...(decoder.externalData ?? []), ...(weightsFile ? [weightsFile] : [])],
    ...((expandedNodes > 0 || kept.length > 0) && { summary: { expandedMatMuls: expandedNodes, addedBytes, kept } }),
  };
}

interface TappedDecoder {
  readonly bytes: Uint8Array;
  readonly tap: { readonly layers: number };
  readonly reader: DecoderTapReader;
}

function unfusedDecoderTap(bytes: Uint8Array): TappedDecoder {
  const edit = tapDecoder(bytes);
  return { ...edit, reader: decoderTapReader(edit.tap) };
}

function fusedDecoderTap(bytes: Uint8Array): TappedDecoder {
  const edit = tapFusedDecoder(bytes);
  return { ...edit, reader: decoderTapReader(edit.tap) };
}

/** An adapter for one family of transformers.js image-text-to-text exports. */
export function imageTextAdapter(spec: FamilySpec): ModelAdapter {
  return {
    family: spec.family,
    async load(ctx: AdapterContext, rawConfig: ModelConfig): Promise<LoadedModel> {
      const generation = await readJson(ctx, 'generation_config.json');
      await requireProcessorFiles(ctx);
      const processor = await loadProcessor(ctx.processorId).catch((error: unknown) => {
        throw new LensError(
          'model-not-found',
          `Could not load the processor and tokenizer of "${ctx.modelId}" (${error instanceof Error ? error.message : String(error)}). Check the model id and your connection.`,
        );
      });
      const plan = spec.plan(rawConfig, generation, processor);
      const { text } = plan;
      // The paper's scores need CLS (either of its two settings); a tower without it gets the chosen, labelled
      // substitute.
      const scorer: OutlierScorerName = plan.hasCls ? ctx.clsScorer : ctx.noClsScorer;

      const vision = await readOnnx(ctx, 'vision_encoder');
      const visionTapped = inModelFile(vision.file, () =>
        tapVisionEncoder(vision.bytes, {
          layer: plan.scoreLayer,
          scorers: [scorer],
          ...(plan.perImage && { oneImage: true }),
        }),
      );
      const embed = await readOnnx(ctx, 'embed_tokens');
      // Not tapped, but scanned all the same, so that a damaged file is refused by name rather than by ONNX Runtime.
      inModelFile(embed.file, () => scanModel(embed.bytes));
      const decoder = await readOnnx(ctx, 'decoder_model_merged');
      // Fused decoders (GroupQueryAttention with rotary inside and no position_ids, or MultiHeadAttention) get their
      // rows recomputed in the graph from the op's query and present keys; GQA rows are batched right-padded.
      const decoderTapped = inModelFile(decoder.file, () => {
        const scanned = scanModel(decoder.bytes);
        // Only the last position's logits are ever read, so the LM head computes only that row.
        const { bytes } = headOnLastPosition(decoder.bytes, scanned);
        return hasFusedDecoderAttention(scanned) ? fusedDecoderTap(bytes) : unfusedDecoderTap(bytes);
      });
      let cpuWeights: ModelInfo['cpuWeights'];
      const cacheLayout = { layers: text.layers, convLayers: plan.convLayers };
      const attentionLayers = text.layers - (plan.convLayers?.length ?? 0);
      if (decoderTapped.tap.layers !== attentionLayers) {
        throw new LensError(
          'attention-unavailable',
          `Found attention in ${decoderTapped.tap.layers} decoder layers of ${decoder.file} but config.json says ${attentionLayers} ` +
            `(num_hidden_layers${plan.convLayers ? ' less its convolution layers' : ''}); the export's layout is not understood. Check that config.json belongs to these ONNX ` +
            `files, or report this model.`,
        );
      }
      const label = (name: string, file: OnnxFile) => `${ctx.modelId} ${name} (${file.dtype})`;
      const created = await createSessions(
        {
          vision: () =>
            createSession(visionTapped.bytes, label('vision encoder', vision), {
              backend: ctx.backend,
              externalData: vision.externalData,
            }),
          embed: () =>
            createSession(embed.bytes, label('token embeddings', embed), {
              backend: ctx.backend,
              externalData: embed.externalData,
            }),
          decoder: async () => {
            const { bytes, externalData, summary } = decoderForBackend(ctx.backend, decoder, decoderTapped.bytes);
            cpuWeights = summary;
            return createSession(bytes, label('decoder', decoder), {
              backend: ctx.backend,
              gpuOutputs: cacheNames(cacheLayout, 'present'),
              externalData,
            });
          },
        },
        (made) => {
          requireNames(made.vision, 'vision_encoder', plan.visionInputs, ['image_features'], ctx.families);
          requireNames(made.embed, 'embed_tokens', ['input_ids'], ['inputs_embeds'], ctx.families);
          // position_ids are optional: GroupQueryAttention decoders derive positions from the mask. attention_mask is
          // optional too: PaliGemma's exports attend to every key without one (the runner then groups rows by length).
          requireNames(
            made.decoder,
            'decoder_model_merged',
            ['inputs_embeds', ...cacheNames(cacheLayout, 'past')],
            ['logits', ...cacheNames(cacheLayout, 'present')],
            ctx.families,
          );
          checkGraphShapes(
            made,
            { vision: vision.file, embed: embed.file, decoder: decoder.file },
            {
              text,
              ...(!plan.perImage && {
                image: { tokenGrid: plan.tokenGrid, crop: plan.pixelValuesTail ?? plan.processorGeometry.crop },
              }),
            },
          );
        },
      );
      const sessions: Sessions = {
        ...created,
        cacheAssembly: new CacheAssembler(
          cacheNames(cacheLayout, 'past').length,
          kvCacheType(created.decoder),
          cacheAssemblySessions(ctx.backend, label('cache assembly', decoder)),
          stateIndices(cacheLayout),
        ),
      };

      const info: ModelInfo = {
        id: ctx.modelId,
        dtype: ctx.dtype,
        sessionDtypes: { vision: vision.dtype, embed: embed.dtype, decoder: decoder.dtype },
        backend: ctx.backend,
        synthetic: 'damro_lens_synthetic' in rawConfig,
        family: spec.family,
        processor: plan.processorGeometry,
        tokenGrid: plan.tokenGrid,
        ...(plan.perImage && { gridPerImage: true as const }),
        scorer: { name: scorer, faithful: OUTLIER_SCORERS[scorer].faithful, label: OUTLIER_SCORERS[scorer].label },
        // The attention frames' layers: a hybrid decoder's attention layers only.
        decoder: {
          layers: attentionLayers,
          heads: text.heads,
          vocabSize: text.vocabSize,
          ...(text.maxPositions ? { maxPositions: text.maxPositions } : {}),
        },
        ...(cpuWeights && { cpuWeights }),
      };
      const layout: DecoderLayout = {
        layers: text.layers,
        kvHeads: text.kvHeads,
        headDim: text.headDim,
        hidden: text.hidden,
        vocabSize: text.vocabSize,
        padTokenId: text.padTokenId,
        ...(plan.convLayers ? { convLayers: plan.convLayers } : {}),
      };
      const runner = decoderRunners(sessions, layout, decoderTapped.reader);
      return new ImageTextModel(info, plan, processor, sessions, scorer, visionTapped.tap, runner);
    },
  };
}
