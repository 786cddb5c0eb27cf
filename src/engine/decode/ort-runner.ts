// The DecoderRunner over an Optimum-layout decoder (inputs_embeds, attention_mask, position_ids,
// past_key_values.* → logits, present.*): rows of different lengths run as ONE batch with left padding and
// position ids from the mask, so the baseline and both DAMRO branches cost one decoder call per step. Rows that
// are the same prompt (the baseline and DAMRO's full row) are prefilled once and their cache copied on the device.
import { ROW_COPY_INDEX, rowCopyInput, rowCopyOutput } from '../onnx/row-copy-graph';
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
  /** The row-copy model (src/engine/onnx/row-copy-graph.ts) over the decoder's 2·layers cache tensors. */
  readonly rowCopy: Session;
}

/** The KV cache's element type at the graph boundary: some q4f16 exports keep it in float16. */
export function kvCacheType(decoder: Pick<ort.InferenceSession, 'inputNames' | 'inputMetadata'>): 'float32' | 'float16' {
  const metadata = decoder.inputMetadata[decoder.inputNames.indexOf('past_key_values.0.key')];
  return metadata?.isTensor && metadata.type === 'float16' ? 'float16' : 'float32';
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
    // The same RowSpec given twice is the same prompt: it is run once, and its cache row copied.
    const distinct = [...new Set(rows)];
    const source = rows.map((row) => distinct.indexOf(row));
    this.rows = distinct;
    const width = Math.max(...distinct.map((row) => row.length));
    const embeds = new Float32Array(distinct.length * width * hidden);
    const positions: number[] = [];
    this.mask = [];
    this.padding = [];
    distinct.forEach((row, r) => {
      const pad = width - row.length;
      embeds.set(row.embeds.subarray(0, row.length * hidden), (r * width + pad) * hidden);
      this.padding.push(pad);
      this.mask.push([...new Array<number>(pad).fill(0), ...new Array<number>(row.length).fill(1)]);
      // Padding positions get 1, as HF does; they are masked anyway.
      for (let t = 0; t < width; t++) positions.push(t < pad ? 1 : t - pad);
    });
    // The empty first past must match the cache's type.
    const kvType = kvCacheType(this.parts.decoder);
    const empty = () => (kvType === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), [distinct.length, kvHeads, 0, headDim]) : new ort.Tensor('float32', new Float32Array(0), [distinct.length, kvHeads, 0, headDim]));
    this.past = [];
    for (let l = 0; l < layers; l++) this.past.push(empty(), empty());
    const output = await this.run(new ort.Tensor('float32', embeds, [distinct.length, width, hidden]), int64(positions, [distinct.length, width]));

    this.rows = rows;
    this.mask = source.map((s) => [...this.mask[s]]);
    this.padding = source.map((s) => this.padding[s]);
    this.nextPosition = rows.map((row) => row.length);
    if (distinct.length < rows.length) await this.copyCacheRows(source);
    // Copied rows share their logits and attention arrays: the decode loop only reads them.
    return { logits: source.map((s) => output.logits[s]), attention: source.map((s) => output.attention[s]) };
  }

  private async copyCacheRows(source: readonly number[]): Promise<void> {
    const feeds: Record<string, Tensor> = { [ROW_COPY_INDEX]: int64(source, [source.length]) };
    this.past.forEach((tensor, i) => (feeds[rowCopyInput(i)] = tensor));
    const outputs = await this.parts.rowCopy.run(feeds);
    for (const tensor of this.past) tensor.dispose();
    this.past = this.past.map((_, i) => outputs[rowCopyOutput(i)]);
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
