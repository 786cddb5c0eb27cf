// The DecoderRunner over an Optimum-layout decoder (inputs_embeds, attention_mask, position_ids,
// past_key_values.* → logits, present.*): rows of different lengths run as ONE batch with left padding and
// position ids from the mask, so the baseline and both DAMRO branches cost one decoder call per step. Decoders
// without position_ids (GroupQueryAttention) take each row's keys as a prefix (seqlens_k = mask sum − 1 is also the
// rotary position), so their rows are right-padded instead. The prefill runs each distinct prompt once, unpadded (the
// baseline and DAMRO's full row are one prompt; the outlier row is short), and the batched cache is assembled from
// them on the device. A hybrid decoder's convolution layers carry a fixed-size state (past_conv.{i} → present_conv.{i},
// [batch, channels, taps]) instead of keys and values: it starts at zeros, as transformers.js starts it, and is
// carried and assembled along the batch axis like the cache; a row's state never sees another row's padding, since
// the prefill is unpadded and each step feeds every row one token. A decoder whose position_ids are
// [3, batch, sequence] (M-RoPE) is fed each row's own positions (RowSpec.positions) in the prefill, and each row's next
// position on all three axes at every step, as transformers.js feeds Qwen2-VL.
import { LensError } from '../../protocol/errors';
import { CACHE_BRANCH_INPUT } from '../onnx/if-node';
import { splitKeys } from '../../core/attention/split-keys';
import { ort } from '../runtime/ort';
import type { CacheAssembler } from './cache-assembler';
import type { DecoderRunner, RowSpec, StepOutput } from './runner';
import type { DecoderTapReader } from '../taps/edit';

type Tensor = ort.Tensor;
type Session = Pick<ort.InferenceSession, 'run' | 'inputNames' | 'outputNames' | 'inputMetadata'>;

export interface DecoderLayout {
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly hidden: number;
  readonly vocabSize: number;
  /** Token id fed to finished rows; their outputs are never read. */
  readonly padTokenId: number;
  /** Layers that carry a convolution state (past_conv.{i}) instead of keys and values; none in a plain decoder. */
  readonly convLayers?: readonly number[];
}

/** The decoder's cache inputs (`past`) or outputs (`present`) in layer order, and which of them are states. */
export function cacheNames(layout: Pick<DecoderLayout, 'layers' | 'convLayers'>, kind: 'past' | 'present'): string[] {
  const conv = new Set(layout.convLayers ?? []);
  return Array.from({ length: layout.layers }, (_, l) => {
    if (conv.has(l)) return [`${kind}_conv.${l}`];
    const prefix = kind === 'past' ? 'past_key_values' : 'present';
    return [`${prefix}.${l}.key`, `${prefix}.${l}.value`];
  }).flat();
}

/** The positions in cacheNames() of the convolution states. */
export function stateIndices(layout: Pick<DecoderLayout, 'layers' | 'convLayers'>): Set<number> {
  const names = cacheNames(layout, 'past');
  return new Set(names.flatMap((name, i) => (name.startsWith('past_conv.') ? [i] : [])));
}

export interface OrtRunnerParts {
  readonly decoder: Session;
  readonly embed: Session;
  readonly layout: DecoderLayout;
  /** The tapped decoder's reader; it also names the last-position logits, so full logits are never fetched. */
  readonly tap: DecoderTapReader;
  /** Assembles the batched cache from the prompts' caches. */
  readonly assembler: Pick<CacheAssembler, 'assemble'>;
}

/** The KV cache's element type at the graph boundary: some q4f16 exports keep it in float16. */
export function kvCacheType(
  decoder: Pick<ort.InferenceSession, 'inputNames' | 'inputMetadata'>,
): 'float32' | 'float16' {
  const first = decoder.inputNames.findIndex((name) => /^past_key_values\.\d+\.key$/.test(name));
  const metadata = decoder.inputMetadata[first];
  return metadata?.isTensor && metadata.type === 'float16' ? 'float16' : 'float32';
}

const int64 = (values: ArrayLike<number>, dims: number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(Array.from(values, BigInt)), dims);

/** Positions the attention-mask buffer grows by, so it is reallocated once per this many steps, not every step. */
const MASK_GROWTH = 64;

export class OrtDecoderRunner implements DecoderRunner {
  private past: Tensor[] = [];
  /** Left padding of each row, so image spans map to key positions; the mask is 0 there. */
  private padding: number[] = [];
  /** Keys each row holds after its padding; the mask is 1 over them and 0 after (right padding). */
  private held: number[] = [];
  private keyLength = 0;
  private maskBuffer = new BigInt64Array(0);
  private nextPosition: number[] = [];
  private rows: readonly RowSpec[] = [];
  private readonly pastNames: readonly string[];
  private readonly presentNames: readonly string[];
  private readonly presentSet: ReadonlySet<string>;
  private readonly fetches: readonly string[];
  private readonly takesPositions: boolean;
  /** PaliGemma's exports take no attention_mask: they attend to every key (rows then share a length, no padding). */
  private readonly takesMask: boolean;
  /** 3 for M-RoPE decoders (position_ids [3, batch, sequence]), else 1. */
  private readonly positionAxes: 1 | 3;
  /** Optimum merged decoders pick their with-past or without-past branch by this input. */
  private readonly takesCacheBranch: boolean;
  private readonly side: 'left' | 'right';

  constructor(private readonly parts: OrtRunnerParts) {
    this.pastNames = cacheNames(parts.layout, 'past');
    this.presentNames = cacheNames(parts.layout, 'present');
    this.presentSet = new Set(this.presentNames);
    this.fetches = [...this.presentNames, ...parts.tap.outputs];
    // GroupQueryAttention decoders derive positions from the mask and take no position_ids.
    this.takesPositions = parts.decoder.inputNames.includes('position_ids');
    this.takesMask = parts.decoder.inputNames.includes('attention_mask');
    const positionMetadata = parts.decoder.inputMetadata[parts.decoder.inputNames.indexOf('position_ids')];
    this.positionAxes = positionMetadata?.isTensor && positionMetadata.shape.length === 3 ? 3 : 1;
    this.takesCacheBranch = parts.decoder.inputNames.includes(CACHE_BRANCH_INPUT);
    this.side = this.takesPositions ? 'left' : 'right';
  }

  async prefill(rows: readonly RowSpec[]): Promise<StepOutput> {
    const { hidden, kvHeads, headDim } = this.parts.layout;
    // The same RowSpec given twice is the same prompt: it is run once, and its cache row copied.
    const prompts = [...new Set(rows)];
    const kvType = kvCacheType(this.parts.decoder);
    const empty = (name: string) => {
      if (name.startsWith('past_conv.')) return this.zeroState(name);
      return kvType === 'float16'
        ? new ort.Tensor('float16', new Uint16Array(0), [1, kvHeads, 0, headDim])
        : new ort.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim]);
    };
    const outputs: StepOutput[] = [];
    const caches: Tensor[][] = [];
    // One prompt at a time and unpadded: a short outlier row costs its own length, not the full row's.
    for (const prompt of prompts) {
      this.rows = [prompt];
      this.padding = [0];
      this.held = [prompt.length];
      this.keyLength = prompt.length;
      this.past = this.pastNames.map(empty);
      outputs.push(
        await this.run(
          new ort.Tensor('float32', prompt.embeds.subarray(0, prompt.length * hidden), [1, prompt.length, hidden]),
          this.promptPositions(prompt),
          false,
        ),
      );
      caches.push(this.past);
    }
    const source = rows.map((row) => prompts.indexOf(row));
    const width = Math.max(...prompts.map((prompt) => prompt.length));
    this.rows = rows;
    this.padding = rows.map((row) => (this.side === 'left' ? width - row.length : 0));
    this.held = rows.map((row) => row.length);
    this.keyLength = width;
    this.nextPosition = rows.map((row) => row.positions?.next ?? row.length);
    if (rows.length === 1) {
      this.past = caches[0]!;
    } else {
      this.past = await this.parts.assembler.assemble(
        caches,
        prompts.map((prompt) => prompt.length),
        source,
        this.side,
      );
      for (const tensor of caches.flat()) tensor.dispose();
    }
    // Rows of one prompt share their logits and attention arrays: the decode loop only reads them.
    return {
      logits: source.map((s) => outputs[s]!.logits[0]!),
      attention: source.map((s) => outputs[s]!.attention[0]),
      text: source.map((s) => outputs[s]!.text?.[0]),
    };
  }

  async step(tokens: readonly (number | null)[]): Promise<StepOutput> {
    const { padTokenId } = this.parts.layout;
    const ids = tokens.map((token) => token ?? padTokenId);
    const embedded = await this.parts.embed.run({ input_ids: int64(ids, [ids.length, 1]) });
    const embeds = embedded[this.parts.embed.outputNames[0]];
    this.keyLength += 1;
    this.held = this.held.map((held) => held + 1);
    const positions = this.nextPosition;
    this.nextPosition = positions.map((p) => p + 1);
    try {
      const axes = this.positionAxes;
      const dims = axes === 3 ? [3, ids.length, 1] : [ids.length, 1];
      return await this.run(embeds, int64(Array<number[]>(axes).fill(positions).flat(), dims), true);
    } finally {
      embeds.dispose();
    }
  }

  /** A convolution state before the first token: zeros of the graph's fixed [channels, taps] for one row. */
  private zeroState(name: string): Tensor {
    const metadata = this.parts.decoder.inputMetadata[this.parts.decoder.inputNames.indexOf(name)];
    const dims = metadata?.isTensor ? metadata.shape.slice(1) : [];
    if (dims.length !== 2 || !dims.every((d) => typeof d === 'number' && d > 0)) {
      throw new LensError(
        'unsupported-model',
        `The decoder's '${name}' input has shape [${metadata?.isTensor ? metadata.shape.join(', ') : '?'}]; DAMRO Lens reads convolution states shaped [batch, channels, taps] with fixed channels and taps.`,
      );
    }
    const size = (dims[0] as number) * (dims[1] as number);
    const shape = [1, ...(dims as number[])];
    return metadata?.isTensor && metadata.type === 'float16'
      ? new ort.Tensor('float16', new Uint16Array(size), shape)
      : new ort.Tensor('float32', new Float32Array(size), shape);
  }

  /** A prompt's position_ids, [1, length] or [3, 1, length]: its own M-RoPE positions, or 0 … length − 1. */
  private promptPositions(prompt: RowSpec): Tensor {
    const { length, positions } = prompt;
    if (this.positionAxes === 1) {
      if (positions)
        throw new LensError(
          'internal',
          'A decoder row carries M-RoPE positions but the decoder takes one position per token; please report this.',
        );
      return int64(
        Array.from({ length }, (_, t) => t),
        [1, length],
      );
    }
    const ids = positions?.ids ?? Int32Array.from({ length: 3 * length }, (_, i) => i % length);
    return int64(ids, [3, 1, length]);
  }

  /** [batch, keys] written into a buffer reused across steps: 1 over each row's keys, 0 over its padding. */
  private attentionMask(): Tensor {
    const batch = this.padding.length;
    const keys = this.keyLength;
    if (this.maskBuffer.length < batch * keys) this.maskBuffer = new BigInt64Array(batch * (keys + MASK_GROWTH));
    const mask = this.maskBuffer.subarray(0, batch * keys);
    this.padding.forEach((pad, r) => {
      const end = pad + this.held[r]!;
      mask.fill(0n, r * keys, r * keys + pad);
      mask.fill(1n, r * keys + pad, r * keys + end);
      mask.fill(0n, r * keys + end, (r + 1) * keys);
    });
    return new ort.Tensor('int64', mask, [batch, keys]);
  }

  /** `withPast`: the cache holds earlier positions (a step), as opposed to the empty cache of a prefill. */
  private async run(embeds: Tensor, positionIds: Tensor, withPast: boolean): Promise<StepOutput> {
    const { vocabSize } = this.parts.layout;
    const feeds: Record<string, Tensor> = { inputs_embeds: embeds };
    if (this.takesMask) feeds.attention_mask = this.attentionMask();
    if (this.takesPositions) feeds.position_ids = positionIds;
    // As transformers.js feeds it: true exactly when a past cache exists; the empty past tensors are fed either way.
    if (this.takesCacheBranch) feeds[CACHE_BRANCH_INPUT] = new ort.Tensor('bool', Uint8Array.of(withPast ? 1 : 0), [1]);
    this.pastNames.forEach((name, i) => (feeds[name] = this.past[i]));
    const outputs = await this.parts.decoder.run(feeds, this.fetches);
    for (const tensor of this.past) tensor.dispose();
    this.past = this.presentNames.map((name) => outputs[name]);

    // The logits come back as one JS-owned array; each row is a view of it, not a copy.
    const last = (await outputs[this.parts.tap.logits].getData()) as Float32Array;
    const logits = this.rows.map((_, r) => last.subarray(r * vocabSize, (r + 1) * vocabSize));
    // One read of the row's every key (a fused decoder recomputes the whole row per read), then split.
    const split = this.rows.map((row, r) => {
      if (!row.imageSpan) return undefined;
      const keys = this.held[r]!;
      const whole = this.parts.tap.read(outputs, r, this.padding[r], keys);
      return splitKeys(whole, whole.length / keys, keys, row.imageSpan);
    });
    for (const [name, tensor] of Object.entries(outputs)) if (!this.presentSet.has(name)) tensor.dispose();
    return { logits, attention: split.map((s) => s?.image), text: split.map((s) => s?.text) };
  }

  async dispose(): Promise<void> {
    for (const tensor of this.past) tensor.dispose();
    this.past = [];
  }
}
