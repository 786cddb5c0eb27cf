// The DecoderRunner over an Optimum-layout decoder (inputs_embeds, attention_mask, position_ids,
// past_key_values.* → logits, present.*): rows of different lengths run as ONE batch with left padding and
// position ids from the mask, so the baseline and both DAMRO branches cost one decoder call per step.
import { ort } from '../runtime/ort';
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
}

export interface OrtRunnerParts {
  readonly decoder: Session;
  readonly embed: Session;
  readonly layout: DecoderLayout;
  /** The tapped decoder's reader; it also names the last-position logits, so full logits are never fetched. */
  readonly tap: DecoderTapReader;
}

const int64 = (values: ArrayLike<number>, dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(Array.from(values, BigInt)), dims);

export class OrtDecoderRunner implements DecoderRunner {
  private past: Tensor[] = [];
  private mask: number[][] = [];
  private nextPosition: number[] = [];
  /** Left padding of each row, so image spans map to key positions. */
  private padding: number[] = [];
  private rows: readonly RowSpec[] = [];

  constructor(private readonly parts: OrtRunnerParts) {}

  async prefill(rows: readonly RowSpec[]): Promise<StepOutput> {
    const { hidden, layers, kvHeads, headDim } = this.parts.layout;
    this.rows = rows;
    const width = Math.max(...rows.map((row) => row.length));
    const embeds = new Float32Array(rows.length * width * hidden);
    const positions: number[] = [];
    this.mask = [];
    this.padding = [];
    rows.forEach((row, r) => {
      const pad = width - row.length;
      embeds.set(row.embeds.subarray(0, row.length * hidden), (r * width + pad) * hidden);
      this.padding.push(pad);
      this.mask.push([...new Array<number>(pad).fill(0), ...new Array<number>(row.length).fill(1)]);
      // Padding positions get 1, as HF does; they are masked anyway.
      for (let t = 0; t < width; t++) positions.push(t < pad ? 1 : t - pad);
    });
    this.nextPosition = rows.map((row) => row.length);
    // Some q4f16 exports keep the KV cache in float16 at the graph boundary; the empty first past must match.
    const kvType = this.kvType();
    const empty = () => (kvType === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), [rows.length, kvHeads, 0, headDim]) : new ort.Tensor('float32', new Float32Array(0), [rows.length, kvHeads, 0, headDim]));
    this.past = [];
    for (let l = 0; l < layers; l++) this.past.push(empty(), empty());
    return this.run(new ort.Tensor('float32', embeds, [rows.length, width, hidden]), int64(positions, [rows.length, width]));
  }

  private kvType(): 'float32' | 'float16' {
    const index = this.parts.decoder.inputNames.indexOf('past_key_values.0.key');
    const metadata = this.parts.decoder.inputMetadata[index];
    return metadata?.isTensor && metadata.type === 'float16' ? 'float16' : 'float32';
  }

  async step(tokens: readonly (number | null)[]): Promise<StepOutput> {
    const { padTokenId } = this.parts.layout;
    const ids = tokens.map((token) => token ?? padTokenId);
    const embedded = await this.parts.embed.run({ input_ids: int64(ids, [ids.length, 1]) });
    const embeds = embedded[this.parts.embed.outputNames[0]];
    this.mask.forEach((row) => row.push(1));
    const positions = this.nextPosition.map((p) => p);
    this.nextPosition = this.nextPosition.map((p) => p + 1);
    try {
      return await this.run(embeds, int64(positions, [ids.length, 1]));
    } finally {
      embeds.dispose();
    }
  }

  private async run(embeds: Tensor, positionIds: Tensor): Promise<StepOutput> {
    const { layers, vocabSize } = this.parts.layout;
    const batch = this.mask.length;
    const keyLength = this.mask[0].length;
    const feeds: Record<string, Tensor> = {
      inputs_embeds: embeds,
      attention_mask: int64(this.mask.flat(), [batch, keyLength]),
    };
    // GroupQueryAttention decoders derive positions from the mask and take no position_ids.
    if (this.parts.decoder.inputNames.includes('position_ids')) feeds.position_ids = positionIds;
    for (let l = 0; l < layers; l++) {
      feeds[`past_key_values.${l}.key`] = this.past[2 * l];
      feeds[`past_key_values.${l}.value`] = this.past[2 * l + 1];
    }
    const present = Array.from({ length: layers }, (_, l) => [`present.${l}.key`, `present.${l}.value`]).flat();
    const outputs = await this.parts.decoder.run(feeds, [...present, ...this.parts.tap.outputs]);
    for (const tensor of this.past) tensor.dispose();
    this.past = [];
    for (let l = 0; l < layers; l++) this.past.push(outputs[`present.${l}.key`], outputs[`present.${l}.value`]);

    const last = (await outputs[this.parts.tap.logits].getData()) as Float32Array;
    const logits = this.rows.map((_, r) => last.slice(r * vocabSize, (r + 1) * vocabSize));
    const attention = this.rows.map((row, r) => {
      if (!row.imageSpan) return undefined;
      return this.parts.tap.read(outputs, r, this.padding[r] + row.imageSpan.start, row.imageSpan.length);
    });
    for (const [name, tensor] of Object.entries(outputs)) if (!name.startsWith('present.')) tensor.dispose();
    return { logits, attention };
  }

  async dispose(): Promise<void> {
    for (const tensor of this.past) tensor.dispose();
    this.past = [];
  }
}
