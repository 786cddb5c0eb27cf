// Small reduction nodes spliced after a tapped tensor so that only what is shown leaves the device. Written
// for the model's own default-domain opset: ReduceMean takes `axes` as an attribute before opset 18 and as an
// input from 18 on. All names live under a 'damro_lens/' prefix that no exporter uses.
import { LensError } from '../../protocol/errors';
import type { NodeSpec } from './splice';

const FLOAT = 1;
/** Largest int64, Slice's "to the end". */
const TO_END = Number.MAX_SAFE_INTEGER;

export class TapNodes {
  readonly nodes: NodeSpec[] = [];
  private count = 0;

  constructor(
    private readonly prefix: string,
    private readonly opset: number,
  ) {
    if (opset < 13) {
      throw new LensError(
        'unsupported-model',
        `The model uses ONNX opset ${opset}; attention taps need opset 13 or newer. Re-export the model with a newer opset.`,
      );
    }
  }

  private add(opType: string, inputs: string[], attributes: NodeSpec['attributes'] = [], domain?: string): string {
    const name = `damro_lens/${this.prefix}/${opType}_${this.count++}`;
    this.nodes.push({ name, opType, inputs, outputs: [name], attributes, ...(domain && { domain }) });
    return name;
  }

  /** Any single-output node; `domain` for contrib ops (com.microsoft). */
  op(opType: string, inputs: readonly string[], attributes: NodeSpec['attributes'] = [], domain?: string): string {
    return this.add(opType, [...inputs], attributes, domain);
  }

  /** An int64 tensor [values.length]. */
  ints(values: readonly number[]): string {
    return this.add('Constant', [], [{ name: 'value', int64Tensor: values, dims: [values.length] }]);
  }

  /** An int64 scalar (Range and Gather want rank 0). */
  int(value: number): string {
    return this.add('Constant', [], [{ name: 'value', int64Tensor: [value], dims: [] }]);
  }

  /** A float32 scalar. */
  float(value: number): string {
    return this.add('Constant', [], [{ name: 'value_float', float: value }]);
  }

  /** x[start:end] along one axis. */
  slice(x: string, axis: number, start: number, end = TO_END): string {
    return this.add('Slice', [x, this.ints([start]), this.ints([end]), this.ints([axis])]);
  }

  reduceMean(x: string, axes: readonly number[], keepdims: boolean): string {
    const keep = { name: 'keepdims', int: keepdims ? 1 : 0 };
    if (this.opset >= 18) return this.add('ReduceMean', [x, this.ints(axes)], [keep]);
    return this.add('ReduceMean', [x], [{ name: 'axes', ints: axes }, keep]);
  }

  concat(xs: readonly string[], axis: number): string {
    return this.add('Concat', [...xs], [{ name: 'axis', int: axis }]);
  }

  /** fp16 graphs (q4f16) would otherwise hand back Float16 data; taps always come back as float32. */
  float32(x: string): string {
    return this.add('Cast', [x], [{ name: 'to', int: FLOAT }]);
  }
}
