// The values of one small float initializer (e.g. a rotary cos/sin cache), read from the model bytes or from its
// external-data file: TensorProto raw_data (float32 or float16), float_data, or external_data {location, offset,
// length} (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).
import { LensError } from '../../protocol/errors';
import { externalDataEntries } from './external-data';
import type { ScannedInitializer, ScannedModel } from './scan';
import { WireReader, WireType } from './wire';

const TENSOR = { floatData: 4, rawData: 9 } as const;
const FLOAT = 1;
const FLOAT16 = 10;

export interface ExternalFile {
  readonly path: string;
  readonly data: Uint8Array;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decode(bytes: Uint8Array, dataType: number, count: number, name: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = dataType === FLOAT ? 4 : 2;
  if (bytes.byteLength !== count * width)
    throw new LensError(
      'unsupported-model',
      `Initializer '${name}' holds ${bytes.byteLength} bytes, not the ${count * width} its shape needs.`,
    );
  return Float32Array.from({ length: count }, (_, i) =>
    width === 4 ? view.getFloat32(i * 4, true) : halfToFloat(view.getUint16(i * 2, true)),
  );
}

/**
 * Where an initializer's raw bytes are: its raw_data inside the model bytes, or its range of an external-data file.
 * Undefined when it holds typed fields (float_data, int32_data, …) instead. A view, never a copy.
 */
export function initializerRawBytes(
  bytes: Uint8Array,
  init: ScannedInitializer,
  external: readonly ExternalFile[],
  byteLength: number,
): Uint8Array | undefined {
  if (init.external) {
    const location = externalDataEntries(bytes, init);
    const file = external.find((f) => f.path === location.location);
    if (!file)
      throw new LensError(
        'unsupported-model',
        `Initializer '${init.name}' lives in external file '${location.location}', which was not loaded.`,
      );
    const offset = Number(location.offset ?? 0);
    return file.data.subarray(offset, offset + Number(location.length ?? byteLength));
  }
  const r = new WireReader(bytes, init.span.start, init.span.end);
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field !== TENSOR.rawData || wireType !== WireType.LEN) {
      r.skip(wireType);
      continue;
    }
    const { start, end } = r.span();
    return bytes.subarray(start, end);
  }
  return undefined;
}

function floatDataField(bytes: Uint8Array, init: ScannedInitializer): number[] {
  const floats: number[] = [];
  const r = new WireReader(bytes, init.span.start, init.span.end);
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === TENSOR.floatData && wireType === WireType.LEN) {
      const { start, end } = r.span();
      const view = new DataView(bytes.buffer, bytes.byteOffset + start, end - start);
      for (let at = 0; at < end - start; at += 4) floats.push(view.getFloat32(at, true));
    } else {
      r.skip(wireType);
    }
  }
  return floats;
}

export function readFloatInitializer(
  bytes: Uint8Array,
  model: ScannedModel,
  name: string,
  external: readonly ExternalFile[] = [],
): { data: Float32Array; dims: readonly number[] } {
  const init = model.graph.initializers.find((i) => i.name === name);
  if (!init)
    throw new LensError(
      'unsupported-model',
      `'${name}' is not an initializer of this graph; DAMRO Lens reads rotary caches only from initializers.`,
    );
  if (init.dataType !== FLOAT && init.dataType !== FLOAT16)
    throw new LensError(
      'unsupported-model',
      `Initializer '${name}' has ONNX data type ${init.dataType}; float32 or float16 was expected.`,
    );
  const count = init.dims.reduce((a, b) => a * b, 1);
  const raw = initializerRawBytes(bytes, init, external, count * (init.dataType === FLOAT ? 4 : 2));
  if (raw) return { data: decode(raw, init.dataType, count, name), dims: init.dims };
  const floats = floatDataField(bytes, init);
  if (floats.length === count) return { data: Float32Array.from(floats), dims: init.dims };
  throw new LensError('unsupported-model', `Initializer '${name}' has no data DAMRO Lens can read.`);
}
